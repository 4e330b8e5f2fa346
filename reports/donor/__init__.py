"""Donor reports: their frozen data and its assembly from the live records, the PDF, the lifecycle
services, the reads, and the admin and donor-area screens."""
