#pragma once

// Writing status only when it changed: the next status is computed in full from the cached
// object's, compared with it, and sent as the smallest JSON merge patch (RFC 7386) that turns
// one into the other. An unchanged reconcile sends nothing.
//
// The watch cache may lag behind the server (a watch being re-established, or our own last
// write not delivered yet), and a patch computed against an older status would put back what
// that status held: arrays such as conditions are replaced whole. So every patch carries the
// cached object's resourceVersion as a precondition, and a conflict is answered by reading the
// object once and computing the status again over what the server holds.

#include <functional>
#include <string>

#include "kube/client.h"

namespace sluice::controller {

// The RFC 7386 merge patch that turns `from` into `to`: changed members, removed ones as null,
// objects recursively, anything else (arrays included) replaced whole. Null when equal.
Json merge_diff(const Json& from, const Json& to);

// Computes the whole next status from an object's current one.
using NextStatus = std::function<Json(const Json& object)>;

// Brings the status subresource of `object` (as the watch cache holds it) to `next(object)`
// unless they are equal, with `object`'s resourceVersion as the precondition; when the server
// holds a newer object (409), reads it and writes `next(fresh)` over it, once. Returns the
// object the server holds afterwards (`object` itself when nothing was sent). Throws what the
// client throws, including a second conflict.
Json write_status(const kube::Client& client, const kube::Resource& resource, const Json& object,
                  const NextStatus& next);

// The same for a caller that computed `next` from `object`'s status: on a conflict, the changes
// it makes to that status are made to the fresh object's.
Json write_status(const kube::Client& client, const kube::Resource& resource, const Json& object,
                  const Json& next);

// `cached` (the watch cache's object) or `written` (what the server answered to this process's
// last write of it), whichever the server wrote later: the watch may not have delivered that
// write yet. resourceVersions are etcd revisions and are compared as numbers; when either is
// not one, or they are different objects (another uid), the cache wins.
const Json& newer_of(const Json& cached, const Json& written);

// `object`'s status, or an empty object.
Json status_of(const Json& object);

}  // namespace sluice::controller
