"""Open Referral HSDS 3.0: the directory as HSDS JSON (`export`), HSDS documents read back
(`parse`), both checked against the HSDS JSON schemas (`schema`)."""
