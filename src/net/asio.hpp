// The one way Parley code includes Asio. <utility> comes first because Boost 1.74's
// asio/awaitable.hpp uses std::exchange without including it. Only files under src/net/
// include this; everything above the network layer sees plain types (http_types.hpp).
// Asio is compiled once, in asio_impl.cpp (BOOST_ASIO_SEPARATE_COMPILATION).
#pragma once

#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace parley::net {

namespace asio = boost::asio;
using ErrorCode = boost::system::error_code;

// Completion token for `co_await op(..., with_error(ec))`: failures land in `ec` instead of
// being thrown, because on a socket they are expected (peer gone, timeout), not exceptional.
inline auto with_error(ErrorCode& ec) {
    return asio::redirect_error(asio::use_awaitable, ec);
}

}  // namespace parley::net
