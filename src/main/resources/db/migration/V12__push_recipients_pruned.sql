-- When a finished live push's recipient rows were deleted, after reachflow.delivery.recipients-retention: the push
-- keeps its counts (final_counts), and its recipients are no longer listed. Null while they are kept.
alter table push add column recipients_pruned_at timestamp with time zone;
