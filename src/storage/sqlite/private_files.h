#pragma once
// Data at rest is readable by the server's user only: every directory of the data
// directory is 0700 and every file 0600, set explicitly (chmod after create) so the
// process umask does not matter. Also the key file that seals secrets kept in the catalog
// (the AES-256-GCM itself is common/crypto.h; this layer only stores the key).
//
// Messages name what failed ("data directory", "secret key file"), never a path.

#include <filesystem>
#include <string>

#include "common/result.h"

namespace ferry::storage::sqlite {

// Creates `dir` and its missing parents, then sets `dir` to 0700 (also when it existed).
Status MakePrivateDirectory(const std::filesystem::path& dir, const std::string& what);

// Makes the SQLite database at `path` private: when `create` and it is missing, creates it
// empty with mode 0600 before SQLite opens it (SQLite gives its -wal and -shm files the
// mode of the database file); then sets 0600 on the database and on whichever of its
// -wal, -shm and -journal files exist (databases made by older versions).
Status MakeDatabaseFilesPrivate(const std::string& path, bool create);

// The 32-byte key in `path`: read when present, else created once from the CSPRNG with
// mode 0600 (written to a temporary file, fsync'd, then hard-linked into place so a
// crash or a concurrent opener never sees half a key). DataLoss if the file exists but
// does not hold exactly 32 bytes.
Result<std::string> LoadOrCreateSecretKey(const std::filesystem::path& path);

}  // namespace ferry::storage::sqlite
