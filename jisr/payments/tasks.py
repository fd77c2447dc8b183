"""The payments' background jobs: payroll, export and reconciliation (each idempotent)."""
