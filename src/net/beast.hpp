// The one way Parley code includes Beast's HTTP parts (through asio.hpp, for <utility>
// first). Beast is compiled once, in asio_impl.cpp (BOOST_BEAST_SEPARATE_COMPILATION).
#pragma once

#include "net/asio.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace parley::net {

namespace beast = boost::beast;
namespace http = boost::beast::http;

using WireRequest = http::request<http::string_body>;
using WireResponse = http::response<http::string_body>;
using RequestParser = http::request_parser<http::string_body>;

}  // namespace parley::net
