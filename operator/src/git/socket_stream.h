#pragma once

// Internal to sluice_git: the TCP stream libgit2 uses for every network transport (http, the
// socket under https, git://, ssh), registered once as libgit2's standard stream. It behaves as
// libgit2's own socket stream, and it puts every socket under the deadline watchdog
// (git/deadline.h, watch_socket), so a fetch blocked in libssh2, which retries on EINTR, still
// ends at its deadline.
//
// libgit2 1.5's ssh transport reads the descriptor out of the stream through its private
// git_socket_stream layout ({git_stream parent; char* host; char* port; int s;}); ours keeps
// that layout, which is why the build is pinned to libgit2 1.5 and 1.6.

namespace sluice::git::detail {

// Registers the stream with libgit2 (once; after git_libgit2_init()).
void register_socket_stream();

}  // namespace sluice::git::detail
