#include "auth/password.hpp"

#include <sodium.h>

#include <stdexcept>

namespace parley::auth {

std::string hash_password(std::string_view password) {
    char hashed[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(
            hashed, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
        throw std::runtime_error("password hashing ran out of memory");
    }
    return hashed;
}

bool verify_password(const std::string& stored_hash, std::string_view password) {
    if (stored_hash.empty()) {
        return false;
    }
    return crypto_pwhash_str_verify(stored_hash.c_str(), password.data(), password.size()) == 0;
}

}  // namespace parley::auth
