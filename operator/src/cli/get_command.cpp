#include "cli/get_command.h"

#include <iostream>
#include <map>
#include <optional>

#include <unistd.h>

#include "cli/command_line.h"
#include "cli/table.h"

namespace sluice::cli {
namespace {

// The objects shown, keyed "namespace/name": the order the API lists them in.
using ObjectMap = std::map<std::string, Json>;

std::string key_of(const Json& object) {
  return string_member(object, {"metadata", "namespace"}) + "/" +
         string_member(object, {"metadata", "name"});
}

std::string suspended(const Json& object) {
  const Json* suspend = find_member(object, {"spec", "suspend"});
  return suspend != nullptr && suspend->is_boolean() && suspend->get<bool>() ? "True" : "False";
}

std::string mode(const Json& object) {
  const std::string value = string_member(object, {"spec", "mode"});
  return value.empty() ? "Enforce" : value;  // the CRD's default
}

struct Listing {
  ObjectMap objects;
  std::string version;  // where a watch goes on from
};

Listing read_objects(const kube::Client& client, const KindInfo& kind, const std::string& ns,
                     const std::string& name) {
  Listing listing;
  if (!name.empty()) {
    Json object = get_object(client, kind, ns, name);
    listing.version = string_member(object, {"metadata", "resourceVersion"});
    listing.objects.emplace(key_of(object), std::move(object));
    return listing;
  }
  // One page at a time (like list_all), keeping the list's resourceVersion for the watch.
  kube::ListOptions options;
  options.limit = 500;
  do {
    kube::ListPage page = client.list(kind.resource(), ns, options);
    for (Json& item : page.items) listing.objects.emplace(key_of(item), std::move(item));
    if (listing.version.empty()) listing.version = page.resource_version;
    options.continue_token = page.continue_token;
  } while (!options.continue_token.empty());
  return listing;
}

class TablePrinter {
 public:
  TablePrinter(const CommandContext& context, const KindInfo& kind, std::string ns,
               bool all_namespaces)
      : context_(context),
        kind_(kind),
        ns_(std::move(ns)),
        all_namespaces_(all_namespaces),
        terminal_(&context.out == &std::cout && isatty(STDOUT_FILENO) == 1) {}

  void print(const ObjectMap& objects) {
    if (printed_) context_.out << (terminal_ ? "\033[H\033[2J" : "\n");
    printed_ = true;
    if (objects.empty()) {
      context_.out.flush();
      if (ns_.empty()) {
        context_.err << "No resources found\n";
      } else {
        context_.err << "No resources found in " << ns_ << " namespace.\n";
      }
      context_.err.flush();
      return;
    }
    std::vector<Json> list;
    list.reserve(objects.size());
    for (const auto& [key, object] : objects) list.push_back(object);
    context_.out << render_table(kind_, list, all_namespaces_, std::chrono::system_clock::now());
    context_.out.flush();
  }

 private:
  const CommandContext& context_;
  const KindInfo& kind_;
  std::string ns_;  // empty: all namespaces, or a cluster-scoped kind
  bool all_namespaces_;
  bool terminal_;
  bool printed_ = false;
};

void watch_and_redraw(const kube::Client& client, const KindInfo& kind, const std::string& ns,
                      const std::string& name, Listing listing, TablePrinter& printer,
                      runtime::AbortSource& abort) {
  WatchHandlers handlers;
  handlers.on_event = [&](kube::WatchEvent& event) {
    const std::string key = key_of(event.object);
    if (event.type == kube::WatchEventType::kDeleted) {
      listing.objects.erase(key);
    } else {
      listing.objects[key] = std::move(event.object);
    }
    printer.print(listing.objects);
    return false;
  };
  handlers.resync = [&]() -> std::optional<std::string> {
    Listing fresh = read_objects(client, kind, ns, name);
    if (fresh.objects != listing.objects) printer.print(fresh.objects);
    listing = std::move(fresh);
    return listing.version;
  };
  follow_watch(client, kind, ns, name, listing.version, handlers, abort);
}

}  // namespace

GetArgs parse_get_args(std::span<const std::string> args) {
  GetArgs parsed;
  const std::vector<std::string> normalized =
      normalize_flags(args, {"--all-namespaces", "--watch"});
  for_each_argument(
      normalized,
      [&](const std::string& flag, const std::string& value) {
        if (parsed.cluster.take(flag, value)) return;
        if (flag == "--all-namespaces") {
          parsed.all_namespaces = parse_bool_flag(flag, value);
        } else if (flag == "--watch") {
          parsed.watch = parse_bool_flag(flag, value);
        } else {
          throw invalid_argument("unknown flag " + flag);
        }
      },
      [&](const std::string& arg) {
        if (parsed.kind == nullptr) {
          parsed.kind = &parse_kind(arg);
        } else if (parsed.name.empty()) {
          parsed.name = arg;
        } else {
          throw invalid_argument("get takes a kind and at most one NAME; got \"" + arg + "\" too");
        }
      });
  if (parsed.kind == nullptr) {
    throw invalid_argument("get needs a kind: sluice get apps|sources|policies [NAME]");
  }
  if (parsed.all_namespaces && !parsed.cluster.ns.empty()) {
    throw invalid_argument("give either --namespace or --all-namespaces, not both");
  }
  if (parsed.all_namespaces && !parsed.name.empty() && parsed.kind->namespaced) {
    throw invalid_argument("a NAME cannot be looked up across all namespaces: give --namespace");
  }
  return parsed;
}

std::vector<std::string> table_header(const KindInfo& kind, bool all_namespaces) {
  std::vector<std::string> header;
  if (all_namespaces && kind.namespaced) header.emplace_back("NAMESPACE");
  if (kind.kind == ObjectKind::kSigningPolicy) {
    header.insert(header.end(), {"NAME", "MODE", "READY", "AGE", "MESSAGE"});
  } else {
    header.insert(header.end(), {"NAME", "READY", "REVISION", "SUSPENDED", "AGE", "MESSAGE"});
  }
  return header;
}

std::vector<std::string> table_row(const KindInfo& kind, const Json& object, bool all_namespaces,
                                   std::chrono::system_clock::time_point now) {
  const ReadyCondition ready = ready_condition(object);
  const std::string& ready_status = ready.status;
  const std::string message = one_line(ready.message);
  const std::string age = age_since(string_member(object, {"metadata", "creationTimestamp"}), now);

  std::vector<std::string> row;
  if (all_namespaces && kind.namespaced) {
    row.push_back(string_member(object, {"metadata", "namespace"}));
  }
  row.push_back(string_member(object, {"metadata", "name"}));
  switch (kind.kind) {
    case ObjectKind::kSigningPolicy:
      row.insert(row.end(), {mode(object), ready_status, age, message});
      break;
    case ObjectKind::kApplication:
      row.insert(row.end(), {ready_status, string_member(object, {"status", "lastAppliedRevision"}),
                             suspended(object), age, message});
      break;
    case ObjectKind::kGitSource:
      row.insert(row.end(),
                 {ready_status, string_member(object, {"status", "artifact", "revision"}),
                  suspended(object), age, message});
      break;
  }
  return row;
}

std::string render_table(const KindInfo& kind, const std::vector<Json>& objects,
                         bool all_namespaces, std::chrono::system_clock::time_point now) {
  std::vector<std::vector<std::string>> rows;
  rows.reserve(objects.size());
  for (const Json& object : objects) rows.push_back(table_row(kind, object, all_namespaces, now));
  return format_table(table_header(kind, all_namespaces), rows);
}

int run_get(const CommandContext& context) {
  return run_command_with_code<GetArgs>(context, &parse_get_args, [&](GetArgs& args) {
    runtime::AbortSource abort;
    // Before the first request, so SIGINT never meets the default handler mid-watch.
    std::optional<InterruptScope> interrupt;
    if (args.watch) interrupt.emplace(abort);

    const Cluster cluster = connect(args.cluster);
    const KindInfo& kind = *args.kind;
    const bool all_namespaces = kind.namespaced && args.all_namespaces;
    const std::string ns = kind.namespaced && !all_namespaces ? cluster.ns : "";
    Listing listing = read_objects(cluster.client, kind, ns, args.name);
    TablePrinter printer(context, kind, ns, all_namespaces);
    printer.print(listing.objects);
    if (!args.watch) return kExitOk;
    try {
      watch_and_redraw(cluster.client, kind, ns, args.name, std::move(listing), printer, abort);
    } catch (const Error& e) {
      if (e.code() == ErrorCode::kCancelled && interrupt->interrupted()) return kExitOk;
      throw;
    }
    return kExitOk;
  });
}

}  // namespace sluice::cli
