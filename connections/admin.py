"""Nothing of the circle is registered in the admin, on purpose.

People's names and details, the private notes about them, the contact log and the safety plan belong to the
writer; the people in a circle never chose to be seen by Held's operators. The account page in the admin shows
how many people and logged contacts an account holds (accounts/admin.py), and nothing more.
tests/test_admin_blind.py keeps it this way.
"""
