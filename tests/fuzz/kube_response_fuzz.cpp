// API server responses (kube/): the input is read three ways, as the client and reflector read
// what the server sends. As a watch stream: split into lines by EventLineBuffer under the
// default WatchOptions::max_event_bytes, each line parsed as an event, ERROR events turned
// into their Error, and each event's resourceVersion taken as the reflector does. As a list
// response: JSON-parsed as Client::request_json does and decoded into a page. As an error
// response body (a metav1.Status) for a few HTTP codes.
#include "fuzz_support.h"
#include "kube/client.h"
#include "kube/status.h"
#include "kube/watch.h"

namespace {

void read_watch_stream(std::string_view input) {
  sluice::kube::EventLineBuffer lines(sluice::kube::WatchOptions{}.max_event_bytes);
  // Two appends, so that a line split across reads is joined as the stream joins it.
  const std::size_t half = input.size() / 2;
  for (const std::string_view chunk : {input.substr(0, half), input.substr(half)}) {
    lines.append(chunk);
    while (const auto line = lines.next_line()) {
      sluice::fuzz::refusals_allowed([&] {
        const sluice::kube::WatchEvent event = sluice::kube::parse_watch_event(*line);
        (void)event.resource_version();
        sluice::kube::throw_if_error(event, "WATCH /api/v1/configmaps");
      });
    }
  }
}

}  // namespace

// libFuzzer's entry point, named by libFuzzer.
// NOLINTNEXTLINE(readability-identifier-naming)
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = sluice::fuzz::as_text(data, size);
  sluice::fuzz::refusals_allowed([&] { read_watch_stream(input); });
  sluice::Json list = sluice::Json::parse(input, nullptr, /*allow_exceptions=*/false);
  if (!list.is_discarded()) (void)sluice::kube::decode_list_page(std::move(list));
  const std::string body(input);
  for (const int status : {400, 404, 409, 410, 500, 503}) {
    (void)sluice::kube::error_from_response(status, body, "GET /api/v1/configmaps");
  }
  return 0;
}
