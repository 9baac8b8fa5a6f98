//! The account book held natively: ids and per-asset balances as flat arrays, filled
//! from chunks of rows (streamed by pyarrow from CSV or Parquet) and validated here, so
//! a book of millions of accounts never exists as Python objects.
//!
//! Validation mirrors `solvent.book` exactly (tests hold them together): exact decimal
//! amounts, declared decimals, the range bound, known assets, no duplicate (account,
//! asset) row, ids that are non-empty, unpadded and at most 434 bytes.

use crate::error::{Error, Result};
use std::collections::HashMap;

/// The longest account id, in bytes (`poseidon::MAX_ENCODED_BYTES`: what a tag encodes).
pub const MAX_ID_BYTES: usize = 434;

/// A bad row (`Error::BookRow`); the Python side names the file.
fn bad(row: u64, field: Option<&'static str>, message: String) -> Error {
    Error::BookRow { row, field, message }
}

/// `'text'`, quoted as Python's `repr` quotes a plain string (messages match the
/// pure-Python reader's).
fn q(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// Exact amount in smallest units (see `solvent.book.amounts.parse_amount`).
pub fn parse_amount(text: &str, decimals: u32, max_bits: u32) -> Result<u128> {
    let s = text.trim();
    if s.starts_with('-') {
        return Err(Error::Invalid(format!("negative amount {}", q(s))));
    }
    let (int_part, frac) = match s.split_once('.') {
        Some((i, f)) => (i, f),
        None => (s, ""),
    };
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    if !digits(int_part) || (s.contains('.') && !digits(frac)) {
        return Err(Error::Invalid(format!("{} is not a plain decimal amount", q(s))));
    }
    let frac_trimmed = frac.trim_end_matches('0');
    if frac_trimmed.len() > decimals as usize {
        return Err(Error::Invalid(format!("{} has more than the asset's {decimals} decimals", q(s))));
    }
    let too_big = || Error::Invalid(format!("{} is not below the 2^{max_bits} range bound", q(s)));
    let mut units: u128 = 0;
    for b in int_part.bytes().chain(frac_trimmed.bytes()) {
        units = units.checked_mul(10).and_then(|u| u.checked_add((b - b'0') as u128)).ok_or_else(too_big)?;
    }
    for _ in frac_trimmed.len()..decimals as usize {
        units = units.checked_mul(10).ok_or_else(too_big)?;
    }
    if max_bits < 128 && units >> max_bits != 0 {
        return Err(too_big());
    }
    Ok(units)
}

/// The book: accounts in the order first seen, balances `[account][asset]`.
pub struct Store {
    /// Assets per account.
    pub n_assets: usize,
    decimals: Vec<u32>,
    symbols: HashMap<String, usize>,
    /// Bits every amount must fit.
    pub range_bits: u32,
    /// Whether the book has a debt column (`None` until the first rows say).
    pub with_debt: Option<bool>,
    /// Account ids, in store order.
    pub ids: Vec<String>,
    index: HashMap<String, u32>,
    /// `[account][asset]`, row-major.
    pub equity: Vec<u128>,
    /// Debts, laid out as `equity`.
    pub debt: Vec<u128>,
    /// Row of each (account, asset) seen so far (0: none), while rows are loaded;
    /// `None` after `finish`.
    first_row: Option<Vec<u32>>,
}

impl Store {
    /// An empty book of the assets `symbols` with their `decimals`.
    pub fn new(symbols: Vec<String>, decimals: Vec<u32>, range_bits: u32) -> Store {
        let index = symbols.iter().enumerate().map(|(i, s)| (s.clone(), i)).collect();
        Store {
            n_assets: symbols.len(),
            decimals,
            symbols: index,
            range_bits,
            with_debt: None,
            ids: vec![],
            index: HashMap::new(),
            equity: vec![],
            debt: vec![],
            first_row: Some(vec![]),
        }
    }

    /// Number of accounts.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the book has no account.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The account's index, adding it (with zero balances) if new.
    pub fn account(&mut self, id: &str) -> usize {
        if let Some(i) = self.index.get(id) {
            return *i as usize;
        }
        let i = self.ids.len();
        self.index.insert(id.to_string(), i as u32);
        self.ids.push(id.to_string());
        self.equity.extend(std::iter::repeat_n(0, self.n_assets));
        self.debt.extend(std::iter::repeat_n(0, self.n_assets));
        if let Some(rows) = &mut self.first_row {
            rows.extend(std::iter::repeat_n(0, self.n_assets));
        }
        i
    }

    /// An id is non-empty, unpadded and at most `MAX_ID_BYTES` (`BookRow` at `row`).
    pub fn check_id(id: &str, row: u64) -> Result<()> {
        if id.is_empty() || id.trim() != id {
            return Err(bad(
                row,
                Some("account_id"),
                format!("account id {} is empty or has surrounding spaces", q(id)),
            ));
        }
        if id.len() > MAX_ID_BYTES {
            return Err(bad(row, Some("account_id"), format!("account id longer than {MAX_ID_BYTES} bytes")));
        }
        Ok(())
    }

    /// Validates and adds rows `first_row, first_row + 1, …`.
    pub fn add_rows(
        &mut self,
        first_row: u64,
        accounts: &[String],
        assets: &[String],
        balances: &[String],
        debts: Option<&[String]>,
    ) -> Result<()> {
        let n = accounts.len();
        if assets.len() != n || balances.len() != n || debts.is_some_and(|d| d.len() != n) {
            return Err(Error::Invalid(format!(
                "rows from {first_row}: {n} account ids, {} assets, {} balances{}: the columns must have one value per row",
                assets.len(),
                balances.len(),
                debts.map_or(String::new(), |d| format!(", {} debts", d.len()))
            )));
        }
        match self.with_debt {
            None => self.with_debt = Some(debts.is_some()),
            Some(d) if d != debts.is_some() => {
                return Err(bad(first_row, None, "the debt column comes and goes".into()))
            }
            _ => {}
        }
        for (k, id) in accounts.iter().enumerate() {
            let row = first_row + k as u64;
            Self::check_id(id, row)?;
            let symbol = assets[k].trim();
            let a = *self.symbols.get(symbol).ok_or_else(|| {
                bad(row, Some("asset"), format!("unknown asset {} (not in the asset list)", q(symbol)))
            })?;
            let dec = self.decimals[a];
            let balance = parse_amount(&balances[k], dec, self.range_bits)
                .map_err(|e| bad(row, Some("balance"), e.to_string()))?;
            let debt = match debts {
                Some(d) => {
                    parse_amount(&d[k], dec, self.range_bits).map_err(|e| bad(row, Some("debt"), e.to_string()))?
                }
                None => 0,
            };
            let i = self.account(id);
            let cell = i * self.n_assets + a;
            let rows =
                self.first_row.as_mut().ok_or_else(|| bad(row, None, "rows added after loading ended".into()))?;
            if rows[cell] != 0 {
                return Err(bad(
                    row,
                    Some("asset"),
                    format!("duplicate row for account {} and asset {symbol} (first at row {})", q(id), rows[cell]),
                ));
            }
            rows[cell] = row.min(u32::MAX as u64) as u32;
            self.equity[cell] = balance;
            self.debt[cell] = debt;
        }
        Ok(())
    }

    /// Sets (adding the account if new) an account's balances in smallest units: what
    /// programmatic callers use instead of rows. Returns the account's index.
    pub fn set_account(&mut self, id: &str, equity: &[u128], debt: Option<&[u128]>) -> Result<usize> {
        Self::check_id(id, 0).map_err(|e| match e {
            Error::BookRow { message, .. } => Error::Invalid(message),
            e => e,
        })?;
        let n = self.n_assets;
        if equity.len() != n || debt.is_some_and(|d| d.len() != n) {
            return Err(Error::Invalid(format!("account {}: expected {n} balances", q(id))));
        }
        let bits = self.range_bits;
        for (what, v) in
            equity.iter().map(|v| ("equity", v)).chain(debt.unwrap_or_default().iter().map(|v| ("debt", v)))
        {
            if bits < 128 && v >> bits != 0 {
                return Err(Error::Invalid(format!("{what}: {v} does not fit in {bits} bits")));
            }
        }
        let i = self.account(id);
        self.equity[i * n..(i + 1) * n].copy_from_slice(equity);
        if let Some(d) = debt {
            self.debt[i * n..(i + 1) * n].copy_from_slice(d);
        }
        Ok(i)
    }

    /// Ends loading from files: frees the duplicate-row table (the id index stays, for
    /// accounts that only a positions file names).
    pub fn finish(&mut self) {
        self.first_row = None;
    }

    /// The account's index, if it is in the book.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.index.get(id).map(|i| *i as usize)
    }

    /// Bits of the largest equity or debt amount (0 for an all-zero book).
    pub fn max_bits(&self) -> u32 {
        let widest = self.equity.iter().chain(&self.debt).fold(0u128, |acc, v| acc | v);
        128 - widest.leading_zeros()
    }

    /// The first `(account, asset, is_debt)` whose amount is at or above `2^widths[asset]`
    /// (per account: every equity amount, then every debt), or `None` when all fit. One
    /// pass over the flat balances: `solvent prove` runs it on every book before proving.
    pub fn first_too_wide(&self, widths: &[u32]) -> Result<Option<(usize, usize, bool)>> {
        if widths.len() != self.n_assets {
            return Err(Error::Invalid(format!("{} widths for {} assets", widths.len(), self.n_assets)));
        }
        let fits = |a: usize, v: u128| widths[a] >= 128 || v >> widths[a] == 0;
        let n = self.n_assets;
        for i in 0..self.len() {
            for (what, values) in [(false, &self.equity), (true, &self.debt)] {
                if let Some(row) = values.get(i * n..(i + 1) * n) {
                    if let Some(a) = row.iter().enumerate().position(|(a, v)| !fits(a, *v)) {
                        return Ok(Some((i, a, what)));
                    }
                }
            }
        }
        Ok(None)
    }

    /// Fix the range width after loading (the width chosen to fit the book): every amount
    /// must already fit it.
    pub fn set_range_bits(&mut self, bits: u32) -> Result<()> {
        if !(1..=128).contains(&bits) {
            return Err(Error::Invalid(format!("range bits {bits} outside 1..=128")));
        }
        if self.max_bits() > bits {
            return Err(Error::Invalid(format!(
                "an amount of the book needs {} bits, more than {bits}",
                self.max_bits()
            )));
        }
        self.range_bits = bits;
        Ok(())
    }

    /// Per asset, the total equity and the total debt.
    pub fn totals(&self) -> (Vec<u128>, Vec<u128>) {
        let mut eq = vec![0u128; self.n_assets];
        let mut de = vec![0u128; self.n_assets];
        for (i, v) in self.equity.iter().enumerate() {
            eq[i % self.n_assets] += v;
        }
        for (i, v) in self.debt.iter().enumerate() {
            de[i % self.n_assets] += v;
        }
        (eq, de)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts() {
        assert_eq!(parse_amount("1.5", 8, 64), Ok(150_000_000));
        assert_eq!(parse_amount("1.50000000000", 8, 64), Ok(150_000_000));
        assert_eq!(parse_amount("18446744073709.551615", 6, 64), Ok(u64::MAX as u128));
        assert!(parse_amount("18446744073709.551616", 6, 64).unwrap_err().to_string().contains("range bound"));
        assert!(parse_amount("-1", 8, 64).unwrap_err().to_string().contains("negative"));
        for bad in ["1e5", "", "0x10", ".5", "5.", "1.2.3", "+1"] {
            assert!(parse_amount(bad, 8, 64).is_err(), "{bad}");
        }
        assert!(parse_amount("0.123456789", 8, 64).unwrap_err().to_string().contains("decimals"));
    }

    #[test]
    fn max_bits_and_narrowing() {
        let mut s = Store::new(vec!["ETH".into()], vec![18], 128);
        s.add_rows(2, &["a".into(), "b".into()], &["ETH".into(), "ETH".into()], &["1000".into(), "0.5".into()], None)
            .unwrap();
        assert_eq!(s.max_bits(), 70); // 10^21 wei
        assert!(s.set_range_bits(64).unwrap_err().to_string().contains("70 bits"));
        s.set_range_bits(96).unwrap();
        assert_eq!(s.range_bits, 96);
    }

    #[test]
    fn first_amount_above_its_asset_width() {
        let mut s = Store::new(vec!["BTC".into(), "ETH".into()], vec![0, 0], 64);
        s.with_debt = Some(true);
        s.set_account("a", &[7, 8], Some(&[0, 0])).unwrap();
        s.set_account("b", &[8, 1], Some(&[0, 16])).unwrap();
        assert_eq!(s.first_too_wide(&[4, 5]).unwrap(), None);
        assert_eq!(s.first_too_wide(&[3, 5]).unwrap(), Some((1, 0, false))); // b's BTC 8 = 2^3
        assert_eq!(s.first_too_wide(&[4, 4]).unwrap(), Some((1, 1, true))); // b's ETH debt 16 = 2^4
        assert_eq!(s.first_too_wide(&[4, 3]).unwrap(), Some((0, 1, false))); // a's ETH 8 comes first
        assert_eq!(s.first_too_wide(&[128, 128]).unwrap(), None);
        assert!(s.first_too_wide(&[4]).is_err());
    }
}
