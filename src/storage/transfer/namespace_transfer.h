#pragma once
// Internal to storage/transfer: the copy of one namespace's data, and of the blobs its
// objects reference.

#include "common/result.h"
#include "storage/blob_store.h"
#include "storage/namespace_store.h"
#include "storage/transfer/storage_transfer.h"

namespace ferry::storage::transfer {

// The blob stores of the two engines.
struct BlobStores {
  BlobStore& from;
  BlobStore& to;
};

// Copies every bucket (objects, ingestion batches), collection (documents with
// vectors), taxonomy, cluster (executions, and their artifacts' blobs) and retriever
// (executions, interactions) of `from` into the empty `to`, then checks the object and
// document counts agree.
Status TransferNamespaceData(NamespaceStore& from, NamespaceStore& to, BlobStores blobs,
                             TransferCounts* counts);

// Copies the blobs that objects of `from` reference and `blobs.to` lacks.
Status TransferBlobs(NamespaceStore& from, BlobStores blobs, TransferCounts* counts);

}  // namespace ferry::storage::transfer
