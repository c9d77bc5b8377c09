-- Every index on issues is written once per issue a sync commits, and a
-- listing sorted by updated time scatters a page's keys over a repository's
-- whole stretch of each index: a first sync of 200,000 issues spent about a
-- fifth of its store time keeping this one. Only reconciles read it, to find
-- the stored keys of one source under a prefix; the primary key's index
-- gives the keys under the prefix, and the rows of the few that the listing
-- does not name say their source.

DROP INDEX issues_by_source;
