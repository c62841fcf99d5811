#pragma once

// The status page's HTML, CSS and JavaScript (server/status_page.h), embedded in the binary so
// the page works without network access and needs no build step. Kept small on purpose: the
// script renders the JSON view model with DOM calls and textContent only (never innerHTML with
// data), so nothing the cluster holds can become markup.

#include <string_view>

namespace sluice::server {

extern const std::string_view kStatusPageHtml;
extern const std::string_view kStatusPageCss;
extern const std::string_view kStatusPageJs;

}  // namespace sluice::server
