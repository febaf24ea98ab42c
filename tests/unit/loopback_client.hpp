// A blocking TCP connection to a test server on 127.0.0.1, for bytes a real client library
// would not send. Every send and receive has a timeout, so a server bug fails the test
// instead of hanging it. The HTTP and WebSocket tests add their own readers on top.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>
#include <string_view>

namespace parley::test_support {

class LoopbackClient {
  public:
    static constexpr int kTimeoutSeconds = 10;

    explicit LoopbackClient(uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        timeval timeout{kTimeoutSeconds, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);

        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ =
            ::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
    }

    ~LoopbackClient() { ::close(fd_); }
    LoopbackClient(const LoopbackClient&) = delete;
    LoopbackClient& operator=(const LoopbackClient&) = delete;

    bool connected() const { return connected_; }

    bool send(std::string_view bytes) {
        while (!bytes.empty()) {
            const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (sent <= 0) {
                return false;
            }
            bytes.remove_prefix(static_cast<size_t>(sent));
        }
        return true;
    }

    // True when the server closes the connection (bytes still arriving are discarded);
    // false when it stays open for the whole timeout.
    bool closed_by_peer() {
        char sink[4096];
        for (;;) {
            const ssize_t received = ::recv(fd_, sink, sizeof sink, 0);
            if (received == 0 || (received < 0 && errno == ECONNRESET)) {
                return true;
            }
            if (received < 0) {
                return false;
            }
        }
    }

  protected:
    // Appends what arrives next to pending_; false on close or timeout.
    bool receive_more() {
        char chunk[4096];
        const ssize_t received = ::recv(fd_, chunk, sizeof chunk, 0);
        if (received <= 0) {
            return false;
        }
        pending_.append(chunk, static_cast<size_t>(received));
        return true;
    }

    std::string pending_;  // Received, not yet consumed by a reader.

  private:
    int fd_ = -1;
    bool connected_ = false;
};

}  // namespace parley::test_support
