//! Contributor credit (stub: the contributors stage fills this in).
//! Git history read in one pass, contributors.yaml identities, forum authors,
//! merged into people with ranked credit.
