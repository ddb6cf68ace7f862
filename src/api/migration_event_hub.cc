#include "api/migration_event_hub.h"

#include <map>
#include <optional>
#include <utility>

#include "codec/json_value.h"
#include "codec/migration_codec.h"
#include "common/contain.h"
#include "common/crypto.h"
#include "common/thread_name.h"

namespace ferry::api {

MigrationEvent MigrationEvent::Of(const model::Migration& migration) {
  MigrationEvent event;
  event.json = codec::Serialize(codec::EncodeMigration(migration));
  event.id = Sha256Hex(event.json).substr(0, 24);
  event.terminal = model::IsTerminal(migration.status);
  return event;
}

std::string MigrationEvent::Format() const {
  std::string out;
  out.reserve(json.size() + id.size() + 40);
  out.append("id: ").append(id).append(terminal ? "\nevent: end\ndata: "
                                                : "\nevent: migration\ndata: ");
  out.append(json).append("\n\n");
  return out;
}

MigrationEventHub::MigrationEventHub(StateReader reader, const Logger& logger, Options options)
    : reader_(std::move(reader)), logger_(logger), options_(options) {
  thread_ = std::thread([this] {
    NameCurrentThread("ferry-events");
    Loop();
  });
}

MigrationEventHub::~MigrationEventHub() { Stop(); }

void MigrationEventHub::Stop() {
  Watchers ending;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
    ending.swap(watchers_);
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (auto& w : ending) w->stream->End();  // clients reconnect, to this or another process
}

bool MigrationEventHub::HasRoom() const {
  std::lock_guard<std::mutex> lock(mu_);
  return !stopping_ && watchers_.size() < options_.max_streams;
}

size_t MigrationEventHub::streams() const {
  std::lock_guard<std::mutex> lock(mu_);
  return watchers_.size();
}

void MigrationEventHub::Add(service::Caller caller, std::string migration_id, MigrationEvent first,
                            const std::string& last_event_id,
                            std::shared_ptr<http::BodyStream> stream) {
  auto w = std::make_shared<Watcher>();
  w->caller = std::move(caller);
  w->migration_id = std::move(migration_id);
  w->last_id = last_event_id;
  w->stream = std::move(stream);
  w->last_write = std::chrono::steady_clock::now();
  if (first.terminal || first.id != w->last_id) Send(*w, first);
  if (w->done) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) return w->stream->End();
  watchers_.push_back(std::move(w));
}

void MigrationEventHub::Send(Watcher& w, const MigrationEvent& event) {
  w.last_id = event.id;
  w.last_write = std::chrono::steady_clock::now();
  if (!w.stream->Write(event.Format())) {
    w.done = true;
    return;
  }
  if (event.terminal) {
    w.stream->End();
    w.done = true;
  }
}

void MigrationEventHub::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, options_.tick, [this] { return stopping_; });
    if (stopping_) break;
    Watchers watchers = watchers_;
    lock.unlock();
    // A tick that throws (a bug, out of memory) is logged and the next tick tries again:
    // the streams of every other client stay up, and the process with them.
    (void)Contain(&logger_, "migration events tick", [&] { Poll(watchers); });
    lock.lock();
    std::erase_if(watchers_, [](const std::shared_ptr<Watcher>& w) { return w->done; });
  }
}

void MigrationEventHub::Poll(const Watchers& watchers) {
  // Each migration is read once per tick, however many streams watch it.
  std::map<std::pair<std::string, std::string>, std::optional<MigrationEvent>> states;
  const auto now = std::chrono::steady_clock::now();
  for (const auto& w : watchers) {
    if (!w->stream->open()) {
      w->done = true;
      continue;
    }
    auto key = std::make_pair(w->caller.org_id, w->migration_id);
    auto it = states.find(key);
    if (it == states.end()) {
      std::optional<MigrationEvent> event;
      auto state = reader_(w->caller, w->migration_id);
      if (state.ok()) {
        event = MigrationEvent::Of(**state);
      } else if (state.status().code() == StatusCode::kNotFound) {
        event = std::nullopt;  // deleted: its streams end
      } else {
        logger_.Warn("migration events: read failed",
                     {{"migration_id", w->migration_id}, {"error", state.status().ToString()}});
        continue;  // tried again next tick
      }
      it = states.emplace(std::move(key), std::move(event)).first;
    }
    if (!it->second) {
      w->stream->End();
      w->done = true;
    } else if (it->second->id != w->last_id) {
      Send(*w, *it->second);
    } else if (now - w->last_write >= options_.keep_alive) {
      w->last_write = now;
      if (!w->stream->Write(": keep-alive\n\n")) w->done = true;
    }
  }
}

}  // namespace ferry::api
