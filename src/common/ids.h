#pragma once
// Resource identifiers: a type prefix and 24 lowercase hex digits ("col_1f3a…"): 12 of
// milliseconds, then 12 random, so new ids sort in creation order (like UUIDv7/ULID) and
// every key-ordered scan or copy of recent data reads its pages in order.

#include <optional>
#include <string>
#include <string_view>

namespace ferry {

// Returns prefix + "_" + 24 hex digits: the time in milliseconds (48 bits) and 48 bits
// from a thread-local generator, strictly increasing per thread. Not a secret: RandomHex
// makes those. Thread-safe.
std::string NewId(std::string_view prefix);

// Returns `n` random bytes from OpenSSL's CSPRNG as lowercase hex (2n characters), for
// secrets. Thread-safe.
std::string RandomHex(size_t n);

// True if `id` starts with `prefix` followed by '_'.
bool HasIdPrefix(std::string_view id, std::string_view prefix);

// The id grammar of every client-supplied id: 1–128 characters of [A-Za-z0-9_-]. Ids
// name files and keys in storage, so nothing else (no '/', '.', spaces) is accepted.
inline constexpr size_t kMaxIdLength = 128;
bool IsValidId(std::string_view id);

// The id a migration gives a copied item or resource (DESIGN.md §2 "Guarantees"): the
// same id when ids are preserved; else the source's prefix ("doc", or "id" when it has
// none) and 24 hex digits: for a canonical id (prefix + 24 lowercase hex, as NewId makes)
// its 96-bit value plus an offset taken from SHA-256(migration_id), modulo 2^96 — an
// order-keeping bijection, so consecutive source ids stay consecutive keys in the target
// — and for any other id the first 24 hex digits of SHA-256(migration_id + "|" + id). A
// pure function, so a re-run batch writes the same ids. Storage backends evaluate it
// inside their engine (bulk copies), so it lives here, below every layer that needs it.
std::string MapResourceId(std::string_view migration_id, std::string_view source_id, bool preserve);
// For a canonical `source_id` (any prefix, '_', 24 lowercase hex digits): `prefix` + '_' +
// its 96-bit value plus the first 96 bits of SHA-256(offset_key), modulo 2^96, as 24 hex
// digits — for one offset_key an order-keeping bijection of canonical ids (one wrap-around
// point). nullopt for any other id. MapResourceId is this with the migration id as the
// key; service::DocumentIdFor with the collection and position, so a collection's
// documents are keyed in the order of their sources.
std::optional<std::string> ShiftedId(std::string_view prefix, std::string_view source_id,
                                     std::string_view offset_key);
// A lineage path ("obj_…/doc_…"): each '/'-separated part mapped by MapResourceId.
std::string MapLineagePath(std::string_view migration_id, std::string_view path, bool preserve);

}  // namespace ferry
