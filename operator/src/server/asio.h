#pragma once

// Every Boost.Asio and Boost.Beast header the server uses, included in one place because two
// traps of Debian's Boost 1.74 with g++ 12 have to be handled before any of them:
//
//  * asio/awaitable.hpp uses std::exchange without including <utility> under C++20
//    (DESIGN.md, "Known traps"), so <utility> comes first;
//  * GCC 12 reports a null dereference inside asio's scheduler (compensating_work_started,
//    inlined into the epoll reactor) that cannot happen: it runs on a scheduler thread, which
//    always has its thread info. The pragma covers asio's text only, not ours.

#include <utility>
//
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#pragma GCC diagnostic pop
