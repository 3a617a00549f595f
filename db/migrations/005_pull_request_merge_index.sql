-- Pull requests by the commit that merged them, so the stages of a window start from its deployments.
CREATE INDEX pull_requests_merge ON pull_requests(service_id, merge_sha);
