#include "web/static_site.hpp"

#include <gtest/gtest.h>

namespace parley::web {
namespace {

TEST(AcceptsGzip, ReadsTheCodingsBrowsersSend) {
    EXPECT_TRUE(accepts_gzip("gzip"));
    EXPECT_TRUE(accepts_gzip("gzip, deflate, br, zstd"));
    EXPECT_TRUE(accepts_gzip("br;q=1.0, gzip;q=0.8"));
    EXPECT_TRUE(accepts_gzip(" deflate , gzip "));
    EXPECT_TRUE(accepts_gzip("*"));
}

TEST(AcceptsGzip, RefusalsAndAbsenceMeanNo) {
    EXPECT_FALSE(accepts_gzip(""));
    EXPECT_FALSE(accepts_gzip("identity"));
    EXPECT_FALSE(accepts_gzip("br, deflate"));
    EXPECT_FALSE(accepts_gzip("gzip;q=0"));
    EXPECT_FALSE(accepts_gzip("xgzip, gzipx"));
    EXPECT_TRUE(accepts_gzip("gzip;q=0.5"));
}

TEST(ContentTypeFor, KnownExtensionsAndTheFallback) {
    EXPECT_EQ(content_type_for("index.html"), "text/html; charset=utf-8");
    EXPECT_EQ(content_type_for("assets/app-1f2e.js"), "text/javascript; charset=utf-8");
    EXPECT_EQ(content_type_for("assets/app.css"), "text/css; charset=utf-8");
    EXPECT_EQ(content_type_for("icon.svg"), "image/svg+xml");
    EXPECT_EQ(content_type_for("archive.tar"), "application/octet-stream");
    EXPECT_EQ(content_type_for("README"), "application/octet-stream");
}

}  // namespace
}  // namespace parley::web
