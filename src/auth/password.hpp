// Password hashing with Argon2id (libsodium's crypto_pwhash). The stored string carries its
// own parameters, so raising the cost later still verifies old hashes.
#pragma once

#include <string>
#include <string_view>

namespace parley::auth {

constexpr size_t kMinPasswordLength = 8;
constexpr size_t kMaxPasswordBytes = 1024;

// Throws std::runtime_error only if the machine cannot allocate the hashing memory.
std::string hash_password(std::string_view password);

// Constant-time with respect to the stored hash (libsodium's verify).
bool verify_password(const std::string& stored_hash, std::string_view password);

}  // namespace parley::auth
