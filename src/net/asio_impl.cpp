// The single translation unit that compiles Asio's and Beast's out-of-line code
// (BOOST_ASIO_SEPARATE_COMPILATION and BOOST_BEAST_SEPARATE_COMPILATION are defined for every
// target), so no other file pays for it. <utility> first: see asio.hpp.
#include <utility>

#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
