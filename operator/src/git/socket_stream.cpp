#include "git/socket_stream.h"

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <string>

#include <git2.h>
#include <git2/sys/stream.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/error.h"
#include "git/deadline.h"

#if LIBGIT2_VER_MAJOR != 1 || LIBGIT2_VER_MINOR < 5 || LIBGIT2_VER_MINOR > 6
#error "socket_stream.cpp mirrors libgit2 1.5/1.6's git_socket_stream layout; check it"
#endif

namespace sluice::git::detail {
namespace {

// The layout of libgit2's git_socket_stream (see the header): `parent` first, `s` after the two
// strings.
struct SocketStream {
  git_stream parent;
  char* host;
  char* port;
  int s;
};
static_assert(offsetof(SocketStream, parent) == 0);
static_assert(offsetof(SocketStream, s) == sizeof(git_stream) + 2 * sizeof(char*));

SocketStream* self(git_stream* stream) {
  return reinterpret_cast<SocketStream*>(stream);
}

void set_error(const SocketStream& stream, const char* what, int error) {
  const std::string message =
      std::string(what) + " " + stream.host + ":" + stream.port + ": " + std::strerror(error);
  git_error_set_str(GIT_ERROR_NET, message.c_str());
}

int close_socket(git_stream* stream) {
  SocketStream& st = *self(stream);
  if (st.s >= 0) {
    unwatch_socket(st.s);  // before close: the number may be reused at once
    ::close(st.s);
    st.s = -1;
  }
  return 0;
}

int connect_socket(git_stream* stream) {
  SocketStream& st = *self(stream);
  addrinfo hints = {};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* addresses = nullptr;
  if (const int rc = getaddrinfo(st.host, st.port, &hints, &addresses); rc != 0) {
    const std::string message =
        std::string("failed to resolve address for ") + st.host + ": " + gai_strerror(rc);
    git_error_set_str(GIT_ERROR_NET, message.c_str());
    return -1;
  }
  int error = ECONNREFUSED;
  for (const addrinfo* address = addresses; address != nullptr; address = address->ai_next) {
    const int fd =
        ::socket(address->ai_family, address->ai_socktype | SOCK_CLOEXEC, address->ai_protocol);
    if (fd < 0) {
      error = errno;
      continue;
    }
    watch_socket(fd);
    if (::connect(fd, address->ai_addr, address->ai_addrlen) == 0) {
      st.s = fd;
      break;
    }
    error = errno;
    unwatch_socket(fd);
    ::close(fd);
    if (error == EINTR) break;  // the deadline passed: no more addresses
  }
  freeaddrinfo(addresses);
  if (st.s < 0) {
    set_error(st, "failed to connect to", error);
    return -1;
  }
  return 0;
}

ssize_t read_socket(git_stream* stream, void* data, std::size_t size) {
  SocketStream& st = *self(stream);
  const ssize_t n = ::recv(st.s, data, size, 0);
  if (n < 0) set_error(st, "error receiving data from", errno);
  return n;
}

ssize_t write_socket(git_stream* stream, const char* data, std::size_t size, int /*flags*/) {
  SocketStream& st = *self(stream);
  const ssize_t n = ::send(st.s, data, size, MSG_NOSIGNAL);
  if (n < 0) set_error(st, "error sending data to", errno);
  return n;
}

void free_stream(git_stream* stream) {
  close_socket(stream);
  SocketStream* st = self(stream);
  delete[] st->host;
  delete[] st->port;
  delete st;
}

char* copy(const char* text) {
  const std::size_t size = std::strlen(text) + 1;
  char* out = new char[size];
  std::memcpy(out, text, size);
  return out;
}

int new_stream(git_stream** out, const char* host, const char* port) {
  auto* st = new SocketStream{};
  st->parent.version = GIT_STREAM_VERSION;
  st->parent.connect = connect_socket;
  st->parent.read = read_socket;
  st->parent.write = write_socket;
  st->parent.close = close_socket;
  st->parent.free = free_stream;
  st->host = copy(host);
  st->port = copy(port);
  st->s = -1;
  *out = &st->parent;
  return 0;
}

}  // namespace

void register_socket_stream() {
  git_stream_registration registration = {};
  registration.version = GIT_STREAM_VERSION;
  registration.init = new_stream;
  if (git_stream_register(GIT_STREAM_STANDARD, &registration) < 0) {
    throw internal_error("cannot register sluice's socket stream with libgit2");
  }
}

}  // namespace sluice::git::detail
