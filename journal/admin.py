"""Nothing of the journal is registered in the admin, on purpose.

Operators are blind to journal content: entries, drafts, search tokens, tags and the writer's own prompts
are the writer's alone, and even sealed bytes or tag names say more than running the service needs.
The account page in the admin shows how many entries and drafts an account holds (accounts/admin.py);
that is all an operator gets. tests/test_admin_blind.py keeps it this way.
"""
