#include "cli/commands.h"

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/api_client.h"
#include "cli/exit_codes.h"
#include "cli/json_access.h"
#include "cli/requests.h"
#include "cli/table.h"
#include "cli/watch.h"
#include "codec/json_value.h"

namespace ferry::cli {
namespace json = boost::json;

namespace {

const char* const kFooter =
    "Exit codes:\n"
    "  0    success; watch: the migration completed\n"
    "  1    watch: the migration failed; validate: the config is invalid\n"
    "  2    watch: the migration was cancelled\n"
    "  3    the server answered with an error (its message and type are printed)\n"
    "  4    the server is unreachable\n"
    "  64   bad flag or argument (usage is printed)\n"
    "  130  watch stopped by Ctrl-C (the migration keeps running)\n"
    "Environment: FERRY_URL, FERRY_API_KEY, FERRY_NAMESPACE. Global options may follow the\n"
    "command. --output json prints the server's JSON body as received (compact).";

enum class Render { kObject, kMigration, kMigrations, kNamespaces, kFailedItems };

struct Args {
  Connection connection;
  std::string output = "table";
  MigrationFlags flags;
  std::string id;
  bool force = false;
  std::optional<std::string> status;
  std::optional<std::string> reason;
  int64_t limit = 100;
};

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

json::value ReadConfigFile(const std::string& path) {
  if (path.empty()) return nullptr;
  std::ostringstream text;
  if (path == "-") {
    text << std::cin.rdbuf();
  } else {
    std::ifstream in(path);
    if (!in) throw UsageError("cannot read the config file " + path);
    text << in.rdbuf();
  }
  Result<json::value> parsed = codec::ParseBody(text.str());
  if (!parsed.ok()) throw UsageError("the config file is not JSON: " + parsed.status().message());
  return std::move(*parsed);
}

json::object MigrationConfig(const Args& args) {
  Result<json::object> config = BuildMigrationConfig(args.flags, ReadConfigFile(args.flags.file));
  if (!config.ok()) throw UsageError(config.status().message());
  return std::move(*config);
}

void Print(const CliEnv& env, const Args& args, const ApiReply& reply, Render render,
           const std::string& done_message) {
  if (args.output == "json") {
    if (!reply.body.empty()) env.out << reply.body << "\n";
    return;
  }
  Result<json::value> body = codec::ParseBody(reply.body);
  if (reply.body.empty() || !body.ok()) {
    env.out << done_message << "\n";
    return;
  }
  switch (render) {
    case Render::kMigration:
      env.out << MigrationDetail(*body);
      break;
    case Render::kMigrations:
      env.out << MigrationsTable(*body);
      break;
    case Render::kNamespaces:
      env.out << NamespacesTable(*body);
      break;
    case Render::kFailedItems:
      env.out << FailedItemsTable(*body);
      break;
    case Render::kObject:
      env.out << ObjectLines(*body);
      break;
  }
}

// The exit code of a 2xx reply; `validate` answers 200 with valid false for a bad config.
using Verdict = int (*)(const ApiReply& reply);
int Success(const ApiReply&) { return kExitOk; }
int ValidVerdict(const ApiReply& reply) {
  Result<json::value> body = codec::ParseBody(reply.body);
  if (!body.ok()) return kExitOk;
  return Member(Member(*body, "validation_result"), "valid") == false ? kExitInvalidConfig
                                                                      : kExitOk;
}

int Call(const CliEnv& env, const Args& args, const ApiRequest& request, Render render,
         const std::string& done_message = "done", Verdict verdict = Success) {
  const ApiClient api(env.http, args.connection);
  Result<ApiReply> reply = api.Send(request);
  if (!reply.ok()) {
    env.err << "error: " << DescribeTransportError(reply.status(), args.connection.url) << "\n";
    return kExitUnreachable;
  }
  if (!reply->ok()) {
    env.err << "error: " << DescribeError(reply->status, reply->body) << "\n";
    return kExitHttpError;
  }
  Print(env, args, *reply, render, done_message);
  return verdict(*reply);
}

void MigrationConfigFlags(CLI::App* cmd, Args* a) {
  cmd->add_option("-f,--file", a->flags.file,
                  "config JSON file (a MigrationConfig, or a body "
                  "{\"config\": ...}); - reads stdin");
  cmd->add_option("--type", a->flags.type, "migration_type (copy, re_extract, extend, ...)");
  cmd->add_option("--source", a->flags.source, "source_namespace_id (id or name)");
  cmd->add_option("--target-name", a->flags.target_name, "target_namespace_name");
  cmd->add_option("--extractor", a->flags.extractors,
                  "feature extractor as name@version (repeatable)");
  cmd->add_option("--batch-size", a->flags.batch_size, "batch_options.batch_size (1-1000)");
  cmd->add_option("--workers", a->flags.workers, "batch_options.max_workers (1-50)");
  cmd->add_flag("--dry-run", a->flags.dry_run, "dry_run: plan and validate, write nothing");
}

CLI::App* WithId(CLI::App* cmd, Args* a) {
  cmd->add_option("ID", a->id, "migration id")->required();
  return cmd;
}

struct Commands {
  CLI::App *validate, *create, *start, *get, *list, *cancel, *del, *failed, *retry, *watch;
  CLI::App *ns_list, *ns_get, *health;
};

Commands Define(CLI::App& app, Args* a) {
  Commands c{};
  app.fallthrough();  // global options are also accepted after the command
  app.add_option("--url", a->connection.url, "server URL")
      ->envname("FERRY_URL")
      ->capture_default_str();
  app.add_option("--api-key", a->connection.api_key, "API key (sent as a Bearer token)")
      ->envname("FERRY_API_KEY");
  app.add_option("-n,--namespace", a->connection.namespace_id,
                 "namespace id or name (sent as X-Namespace)")
      ->envname("FERRY_NAMESPACE");
  app.add_option("--output", a->output, "table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  CLI::App* m = app.add_subcommand("migrations", "create, run and follow migrations");
  m->require_subcommand(1);
  c.validate = m->add_subcommand("validate", "validate a migration config (nothing is created)");
  MigrationConfigFlags(c.validate, a);
  c.create = m->add_subcommand("create", "create a migration (a draft unless --start)");
  MigrationConfigFlags(c.create, a);
  c.create->add_flag("--start", a->flags.start, "start it at once (start_immediately)");
  c.start = WithId(m->add_subcommand("start", "start a migration"), a);
  c.start->add_flag("--force", a->force, "start despite validation warnings");
  c.get = WithId(m->add_subcommand("get", "show a migration"), a);
  c.list = m->add_subcommand("list", "list migrations");
  c.list->add_option("--status", a->status,
                     "only this status (draft, pending, in_progress, "
                     "completed, failed, cancelled)");
  c.list->add_option("--limit", a->limit, "at most this many (1-1000)")->capture_default_str();
  c.cancel = WithId(m->add_subcommand("cancel", "cancel a running migration"), a);
  c.cancel->add_option("--reason", a->reason, "kept as the migration's error_message");
  c.del = WithId(m->add_subcommand("delete", "delete a migration that is not running"), a);
  c.failed = WithId(m->add_subcommand("failed-items", "list a migration's failed items"), a);
  c.failed->add_option("--limit", a->limit, "at most this many (1-1000)")->capture_default_str();
  c.retry = WithId(m->add_subcommand("retry", "re-run a migration's failed items"), a);
  c.watch = WithId(m->add_subcommand("watch",
                                     "follow a migration live until it ends "
                                     "(exit 0 completed, 1 failed, 2 cancelled)"),
                   a);
  CLI::App* n = app.add_subcommand("namespaces", "list and show namespaces");
  n->require_subcommand(1);
  c.ns_list = n->add_subcommand("list", "list namespaces");
  c.ns_list->add_option("--limit", a->limit, "at most this many (1-1000)")->capture_default_str();
  c.ns_get = n->add_subcommand("get", "show a namespace (default: --namespace)");
  c.ns_get->add_option("ID", a->id, "namespace id or name");
  c.health = app.add_subcommand("health", "check that the server answers (GET /healthz)");
  return c;
}

int Watch(const CliEnv& env, const Args& args) {
  const ApiClient api(env.http, args.connection);
  WatchOptions options{.tty = env.terminal.tty, .width = env.terminal.width};
  const std::function<bool()> interrupted = env.catch_interrupts();
  return WatchMigration(api, args.id, options, interrupted, env.out, env.err);
}

int Dispatch(const CliEnv& env, const Commands& c, const Args& a) {
  if (c.validate->parsed()) {
    return Call(env, a, ValidateMigration(MigrationConfig(a)), Render::kObject, "done",
                ValidVerdict);
  }
  if (c.create->parsed()) {
    return Call(env, a, CreateMigration(MigrationConfig(a), a.flags.start), Render::kObject);
  }
  if (c.start->parsed()) return Call(env, a, StartMigration(a.id, a.force), Render::kObject);
  if (c.get->parsed()) return Call(env, a, GetMigration(a.id), Render::kMigration);
  if (c.list->parsed()) return Call(env, a, ListMigrations(a.status, a.limit), Render::kMigrations);
  if (c.cancel->parsed()) return Call(env, a, CancelMigration(a.id, a.reason), Render::kObject);
  if (c.del->parsed()) {
    return Call(env, a, DeleteMigration(a.id), Render::kObject, "deleted " + a.id);
  }
  if (c.failed->parsed()) {
    return Call(env, a, ListFailedItems(a.id, a.limit), Render::kFailedItems);
  }
  if (c.retry->parsed()) return Call(env, a, RetryMigration(a.id), Render::kObject);
  if (c.watch->parsed()) return Watch(env, a);
  if (c.ns_list->parsed()) return Call(env, a, ListNamespaces(a.limit), Render::kNamespaces);
  if (c.ns_get->parsed()) {
    const std::string id = a.id.empty() ? a.connection.namespace_id : a.id;
    if (id.empty()) throw UsageError("namespaces get: give an ID or --namespace");
    return Call(env, a, GetNamespace(id), Render::kObject);
  }
  return Call(env, a, Health(), Render::kObject);
}

// The deepest command the user named, for its usage.
const CLI::App* Deepest(const CLI::App& app) {
  for (const CLI::App* sub : app.get_subcommands()) return Deepest(*sub);
  return &app;
}

}  // namespace

int RunCli(int argc, const char* const* argv, const CliEnv& env) {
  CLI::App app("ferry: the command-line client of a Ferry server", "ferry");
  app.footer(kFooter);
  app.require_subcommand(1);
  Args args;
  const Commands commands = Define(app, &args);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    env.out << Deepest(app)->help();
    return kExitOk;
  } catch (const CLI::CallForAllHelp&) {
    env.out << app.help("", CLI::AppFormatMode::All);
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    env.err << "error: " << e.what() << "\n\n" << Deepest(app)->help();
    return kExitUsage;
  }
  try {
    return Dispatch(env, commands, args);
  } catch (const UsageError& e) {
    env.err << "error: " << e.what() << "\n";
    return kExitUsage;
  }
}

}  // namespace ferry::cli
