#pragma once

// Which reconciles a change calls for. The informers' events, the source reconciler's new
// artifacts and the owned objects' drift all end here and become keys in the work queues:
//
//   GitSource added, spec or annotations changed, deleted   → that source
//   GitSource without an artifact: Ready condition changed  → Applications using the source
//   new artifact published                                  → Applications using the source
//   Application added, spec/labels/annotations/finalizers
//     changed, deletion started, deleted                    → that Application
//   Application's readiness changed                         → Applications depending on it
//   SigningPolicy added, changed, deleted                   → the policy, and every Application
//                                                             it governed or governs now
//   owned object changed beyond its status, or deleted      → its Application (drift)
//
// Status-only updates (the controllers' own writes) call for nothing, so a reconcile does not
// trigger itself.

#include <string>

#include "controller/application_reconciler.h"
#include "controller/key_queue.h"
#include "kube/informer.h"

namespace sluice::controller {

class EventRouter {
 public:
  EventRouter(Caches caches, KeyQueue& sources, KeyQueue& applications, KeyQueue& policies)
      : caches_(caches), sources_(sources), applications_(applications), policies_(policies) {}

  void on_source(const kube::InformerEvent& event);
  void on_application(const kube::InformerEvent& event);
  void on_policy(const kube::InformerEvent& event);
  void on_artifact(const std::string& source_key);
  void on_drift(const std::string& application_key) { applications_.add(application_key); }

 private:
  void enqueue_dependents(const std::string& application_key);

  Caches caches_;
  KeyQueue& sources_;
  KeyQueue& applications_;
  KeyQueue& policies_;
};

}  // namespace sluice::controller
