-- A change that is the squash commit of its pull (merge) request: its lead time starts at the
-- request's first commit (DESIGN.md, "The metrics", 2.), not at the squash, which is made at
-- the merge. Null where no source said so.
ALTER TABLE changes ADD COLUMN squashed INTEGER;
