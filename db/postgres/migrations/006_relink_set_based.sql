-- Linking, set-based (issue 22): every service a batch touched is linked again by one call and two
-- statements, instead of a statement per deployment (deming_relink_service, kept for a server
-- of the previous release still running beside this one during an upgrade).
--
-- What it computes is what the walk in deployment order computes: a commit belongs to the first
-- deployment, in (finished_at, source, ext_id) order, that lists it (`commits`) or reaches it from
-- its sha through the commit graph without crossing a commit already linked. Done at once: every
-- deployment walks back from its sha, stopping at commits linked before `p_from` and at commits
-- an earlier deployment of the set names (its sha or a listed commit: those are that one's or an
-- even earlier one's), and each commit goes to the first deployment that reached or listed it.
-- Stopping at what earlier ones name keeps each walk to the commits since the previous
-- deployment on a straight history, so the work is linear in the commits, not quadratic.
--
-- jit is off: the recursive walk's estimated cost passes jit_above_cost, and compiling took
-- hundreds of milliseconds a call for a walk that takes a few.
CREATE FUNCTION deming_relink_services(p_services bigint[], p_from bigint[]) RETURNS void LANGUAGE plpgsql
SET enable_seqscan = off SET jit = off AS $$
BEGIN
  DELETE FROM deployment_changes dc
  USING unnest(p_services, p_from) AS x(s, f), deployments d
  WHERE d.service_id = x.s AND d.is_production AND d.status = 'success' AND d.finished_at >= x.f AND dc.deployment_id = d.id;

  INSERT INTO deployment_changes (service_id, sha, deployment_id)
  WITH RECURSIVE t AS MATERIALIZED (
    SELECT d.id, d.service_id AS s, d.sha, d.commits,
      row_number() OVER (PARTITION BY d.service_id ORDER BY d.finished_at, d.source COLLATE "C", d.ext_id COLLATE "C") AS o
    FROM unnest(p_services, p_from) AS x(s, f)
    JOIN deployments d ON d.service_id = x.s AND d.is_production AND d.status = 'success' AND d.finished_at >= x.f
  ),
  -- What each deployment names itself: its listed commits, or else its sha.
  named AS MATERIALIZED (
    SELECT t.o, t.s, c.sha, true AS listed FROM t CROSS JOIN LATERAL jsonb_array_elements_text(t.commits::jsonb) AS c(sha)
    WHERE t.commits IS NOT NULL
    UNION ALL
    SELECT t.o, t.s, t.sha, false FROM t WHERE t.commits IS NULL AND t.sha IS NOT NULL
  ),
  -- The first deployment of the set to name each commit.
  first_named AS MATERIALIZED (SELECT s, sha, min(o) AS o FROM named GROUP BY s, sha),
  walk(o, s, sha) AS (
    SELECT n.o, n.s, n.sha FROM named n
    WHERE NOT n.listed
      AND NOT EXISTS (SELECT 1 FROM first_named b WHERE b.s = n.s AND b.sha = n.sha AND b.o < n.o)
      AND NOT EXISTS (SELECT 1 FROM deployment_changes k WHERE k.service_id = n.s AND k.sha = n.sha)
    UNION
    SELECT w.o, w.s, p.parent_sha
    FROM walk w
    JOIN change_parents p ON p.service_id = w.s AND p.sha = w.sha
    LEFT JOIN first_named b ON b.s = w.s AND b.sha = p.parent_sha
    WHERE (b.o IS NULL OR b.o >= w.o)
      AND NOT EXISTS (SELECT 1 FROM deployment_changes k WHERE k.service_id = w.s AND k.sha = p.parent_sha)
  ),
  claims AS (
    SELECT o, s, sha FROM walk
    UNION ALL
    SELECT o, s, sha FROM named WHERE listed
  )
  SELECT DISTINCT ON (c.s, c.sha) c.s, c.sha, t.id
  FROM claims c JOIN t ON t.s = c.s AND t.o = c.o
  ORDER BY c.s, c.sha, c.o
  ON CONFLICT DO NOTHING;
END $$;
