#include "server/response_stream.h"

#include <utility>

namespace sluice::server {

ResponseStream::ResponseStream(std::size_t max_buffered_bytes)
    : max_buffered_bytes_(max_buffered_bytes) {}

bool ResponseStream::send(std::string_view data) {
  std::function<void()> wake;
  bool queued = false;
  {
    std::lock_guard lock(mu_);
    if (ended_) return false;
    if (buffered_.size() + data.size() > max_buffered_bytes_) {
      ended_ = true;
      buffered_.clear();  // a client this far behind gets a reconnect, not a partial event
    } else {
      buffered_.append(data);
      queued = true;
    }
    wake = wake_;
  }
  if (wake) wake();
  return queued;
}

void ResponseStream::close() {
  std::function<void()> wake;
  {
    std::lock_guard lock(mu_);
    if (ended_) return;
    ended_ = true;
    wake = wake_;
  }
  if (wake) wake();
}

bool ResponseStream::open() const {
  std::lock_guard lock(mu_);
  return !ended_;
}

void ResponseStream::attach(std::function<void()> wake) {
  std::lock_guard lock(mu_);
  wake_ = std::move(wake);
}

ResponseStream::Taken ResponseStream::take() {
  std::lock_guard lock(mu_);
  Taken taken;
  taken.data.swap(buffered_);
  taken.ended = ended_;
  return taken;
}

void ResponseStream::detach() {
  std::function<void()> wake;
  std::lock_guard lock(mu_);
  ended_ = true;
  buffered_.clear();
  wake.swap(wake_);  // destroyed after the lock is released (it may hold the connection)
}

}  // namespace sluice::server
