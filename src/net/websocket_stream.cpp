#include "net/websocket_stream.hpp"

#include <unistd.h>

namespace parley::net {

ErrorCode rebind_to_strand(asio::ip::tcp::socket& socket, std::optional<StrandSocket>& rebound) {
    ErrorCode ec;
    const Strand* strand = socket.get_executor().target<Strand>();
    if (strand == nullptr) {
        socket.close(ec);
        return asio::error::invalid_argument;
    }

    const auto protocol = socket.local_endpoint(ec).protocol();
    if (ec) {
        socket.close(ec);
        return ec;
    }
    const auto native_socket = socket.release(ec);
    if (ec) {
        socket.close(ec);
        return ec;
    }

    rebound.emplace(*strand);
    rebound->assign(protocol, native_socket, ec);
    if (ec) {
        ::close(native_socket);
        rebound.reset();
    }
    return ec;
}

}  // namespace parley::net
