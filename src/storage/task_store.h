#pragma once
// Tasks (part of CatalogStore). Implementations are thread-safe.

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "model/resources.h"

namespace ferry::storage {

class TaskStore {
 public:
  virtual ~TaskStore() = default;

  // Tasks. Upsert by task_id.
  virtual Status UpsertTask(const model::Task& task) = 0;
  virtual Result<model::Task> GetTask(const std::string& org_id, const std::string& task_id) = 0;
  // Tasks whose status is not terminal (for recovery after a restart).
  virtual Result<std::vector<model::Task>> ListUnfinishedTasks() = 0;
  // An organization's tasks whatever their status, ordered by created_at then task_id.
  virtual Result<std::vector<model::Task>> ListTasks(const std::string& org_id,
                                                     const model::Page& page) = 0;
};

}  // namespace ferry::storage
