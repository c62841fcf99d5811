#pragma once

// ResponseStream: the body of a streaming HTTP response (server-sent events), written by a
// producer while the connection stays open. A handler creates one, keeps a reference (e.g. in a
// list of subscribers) and returns it in HttpResponse::stream; the server then sends the status
// and headers (chunked for HTTP/1.1, close-delimited for HTTP/1.0), and after that whatever the
// producer send()s, until the producer close()s it, the client goes away, or the server stops.
//
// Bounded: data the client has not taken yet is buffered up to max_buffered_bytes; a send()
// past that ends the stream (a client that slow is better reconnected than remembered), so a
// stalled reader costs the operator at most that much memory. The server bounds how many
// streams are open at once (HttpServer::Options::max_streams) and how long one write may take
// (io_timeout); keep-alives that let the server notice a vanished client are the producer's
// to send (a comment line every few seconds, for server-sent events).
//
// Thread safety: every member may be called from any thread. The producer side is send(),
// close() and open(); attach(), take() and detach() are the server's.

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace sluice::server {

class ResponseStream {
 public:
  static constexpr std::size_t kDefaultMaxBufferedBytes = std::size_t{1024} * 1024;

  explicit ResponseStream(std::size_t max_buffered_bytes = kDefaultMaxBufferedBytes);
  ResponseStream(const ResponseStream&) = delete;
  ResponseStream& operator=(const ResponseStream&) = delete;

  // Queues `data` for the client. False, and nothing queued, once the stream has ended (closed
  // by either side) or when `data` would take the buffer past its bound, which ends it: the
  // producer should then forget the stream.
  bool send(std::string_view data);
  // Ends the stream after what is queued has been written. Idempotent.
  void close();
  // Whether send() can still succeed.
  bool open() const;

  // Server side. `wake` is called (from the producer's thread, without the stream's lock held)
  // whenever data is queued or the stream is closed; it must be quick (post to the connection).
  void attach(std::function<void()> wake);
  struct Taken {
    std::string data;    // everything queued so far (moved out)
    bool ended = false;  // nothing more will come after `data`
  };
  Taken take();
  // The connection is gone: the stream ends, queued data is dropped and `wake` is forgotten.
  void detach();

 private:
  const std::size_t max_buffered_bytes_;
  mutable std::mutex mu_;
  std::string buffered_;
  bool ended_ = false;
  std::function<void()> wake_;
};

using ResponseStreamPtr = std::shared_ptr<ResponseStream>;

}  // namespace sluice::server
