#pragma once

// The SigningPolicy reconcile: parse the policy as the gate will, and say in its status
// whether it is valid (Ready=True PolicyValid) or not (Ready=False PolicyInvalid, with the
// field at fault; the gate then fails closed for every Application it governs). Re-evaluating
// the governed Applications is the event router's business (controller/manager.cpp enqueues
// them on every policy change).
//
// An operator watching one namespace (--namespace) reports only on policies that concern it:
// those whose match names its namespace, or that govern one of its Applications. Several
// such operators (one per tenant namespace) then do not all write every policy's status.

#include <string>

#include "controller/context.h"
#include "kube/informer.h"

namespace sluice::controller {

class PolicyReconciler {
 public:
  PolicyReconciler(Context& context, const kube::Informer& policies,
                   const kube::Informer& applications, std::string watch_namespace)
      : context_(context),
        policies_(policies),
        applications_(applications),
        watch_namespace_(std::move(watch_namespace)) {}

  void reconcile(const std::string& name);

 private:
  Context& context_;
  const kube::Informer& policies_;
  const kube::Informer& applications_;
  std::string watch_namespace_;
};

// The SigningPolicy resource (sluice.dev/v1alpha1 signingpolicies, cluster-scoped).
kube::Resource signing_policies();

}  // namespace sluice::controller
