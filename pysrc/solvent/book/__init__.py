"""Reading and validating the institution's inputs into an account book."""

from .accounts import AccountBook, read_accounts
from .amounts import format_amount, parse_amount
from .assets import Asset, read_assets
from .errors import InputError

__all__ = ["AccountBook", "Asset", "InputError", "format_amount", "parse_amount", "read_accounts", "read_assets"]
