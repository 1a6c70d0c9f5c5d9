"""The union in the open: rules, work affairs, official accounts (TRN-1, TRN-5, TRN-6, CON-13), mounted at /open/ (#18)."""
