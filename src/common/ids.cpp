#include "common/ids.hpp"

#include <sodium.h>

#include <array>

namespace parley {

namespace {

constexpr std::string_view kIdAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr size_t kIdRandomChars = 10;
constexpr size_t kSecretBytes = 32;

std::string to_hex(const unsigned char* bytes, size_t count) {
    std::string hex(count * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), bytes, count);
    hex.pop_back();
    return hex;
}

}  // namespace

std::string new_id(char kind) {
    std::string id(1, kind);
    for (size_t i = 0; i < kIdRandomChars; ++i) {
        id += kIdAlphabet[randombytes_uniform(kIdAlphabet.size())];
    }
    return id;
}

bool is_id_shaped(std::string_view id, char kind) {
    if (id.size() < 2 || id.size() > 32) {
        return false;
    }
    if (kind != 0 && id[0] != kind) {
        return false;
    }
    for (char c : id) {
        if (kIdAlphabet.find(c) == std::string_view::npos) {
            return false;
        }
    }
    return true;
}

std::string new_secret(std::string_view prefix) {
    std::array<unsigned char, kSecretBytes> bytes{};
    randombytes_buf(bytes.data(), bytes.size());
    return std::string(prefix) + to_hex(bytes.data(), bytes.size());
}

std::string secret_digest(std::string_view secret) {
    std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
    crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(secret.data()),
                       secret.size());
    return to_hex(digest.data(), digest.size());
}

}  // namespace parley
