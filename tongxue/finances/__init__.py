"""A union's ledger, approvals and disclosure (TRN-4, GS-14, CQ-9), mounted at /finances/ (#18)."""
