//! Walks an untrusted update, state vector or presence payload (lib0 v1, as yrs 0.28 reads it)
//! without allocating, before yrs decodes it.
//!
//! Why: yrs reserves memory from every count it reads (`try_reserve(claimed)` for struct groups,
//! structs, state vectors, presence, Any arrays and maps, JSON and Any contents) before reading
//! the entries. `try_reserve` is no defence: a 7-byte frame claiming 2³² presence entries asks
//! for 283 GB; one claiming 10⁸ is granted 2.3 GB on an ordinary machine; and where the request
//! is refused or overcommitted the process can still be killed. yrs also decodes nested values by
//! recursion, so `[117, 1]` repeated 200 000 times (an array in an array …, 400 KB) overflows the
//! stack and aborts the server.
//!
//! So every payload is walked here first, mirroring yrs's reader byte for byte (the same varint
//! widths and wrapping, the same field order). Each count is checked, where yrs would reserve
//! from it, against the bytes left (each entry takes at least one byte, so a count larger than
//! the rest of the frame is a lie), and then every entry it claims is walked too. A payload that
//! passes holds every entry its counts claim, so whatever yrs reserves is proportional to the
//! frame, which the socket already limits. Nesting is limited to [`MAX_DEPTH`].
//!
//! Two more lies are refused that yrs would take in a release build and then trip over: client
//! ids above 2⁵³ − 1 (yrs masks them into another client's id; debug builds assert) and struct
//! groups or deleted ranges whose clocks run past 2³² (yrs adds them with wrap-around, and the
//! room's next diff — any newcomer's SyncStep1 — panics on the corrupted block list; the
//! update being stored, the board stays broken across restarts).

/// Deepest nesting of values (arrays and maps inside values) accepted, as serde_json's default.
/// Boards nest a handful of levels.
pub const MAX_DEPTH: usize = 128;

/// Yjs client ids are JavaScript safe integers (yrs makes 53-bit ones, Yjs 32-bit ones).
pub const MAX_CLIENT: u64 = (1 << 53) - 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("termina antes de tiempo")]
    End,
    #[error("entero variable demasiado largo")]
    VarInt,
    #[error("declara {count} elementos y quedan {remaining} bytes")]
    Count { count: u64, remaining: usize },
    #[error("bloque vacío")]
    EmptyBlock,
    #[error("tipo de contenido desconocido ({0})")]
    Content(u8),
    #[error("tipo compartido desconocido ({0})")]
    TypeRef(u8),
    #[error("valor de tipo desconocido ({0})")]
    Value(u8),
    #[error("valores anidados a más de {MAX_DEPTH} niveles")]
    TooDeep,
    #[error("contenido JSON antiguo (Yjs < 13), que yrs no vuelve a codificar igual")]
    LegacyJson,
    #[error("rango borrado vacío")]
    EmptyRange,
    #[error("identificador de cliente fuera de rango ({0})")]
    Client(u64),
    #[error("relojes que pasan de 2³² (desde {start}, {len} más)")]
    Clock { start: u32, len: u64 },
}

impl Refusal {
    /// Refusals of input that yrs itself would decode (deliberately stricter than yrs).
    pub fn stricter_than_yrs(&self) -> bool {
        matches!(
            self,
            Self::TooDeep
                | Self::Client(_)
                | Self::Clock { .. }
                | Self::LegacyJson
                | Self::EmptyRange
        )
    }
}

type Result<T = ()> = std::result::Result<T, Refusal>;

/// A Yjs update (v1): struct groups, then the delete set.
pub fn update(payload: &[u8]) -> Result {
    let mut c = Cursor::new(payload);
    // yrs: `clients.try_reserve(groups)`. A group is at least its struct count, client and clock.
    let groups = c.var_u32()?;
    c.claim(groups.into(), 3)?;
    for _ in 0..groups {
        let structs = c.var_u32()?;
        c.client()?;
        let start = c.var_u32()?;
        // yrs: `blocks.try_reserve(structs)`, after reading the client and clock.
        c.claim(structs.into(), 2)?;
        let mut len = 0u64;
        for _ in 0..structs {
            len += block(&mut c)?;
            clocks_fit(start, len)?;
        }
    }
    delete_set(&mut c)
}

/// A state vector (SyncStep1): client and clock pairs.
pub fn state_vector(payload: &[u8]) -> Result {
    let mut c = Cursor::new(payload);
    let clients = c.var_u32()?;
    c.claim(clients.into(), 2)?;
    for _ in 0..clients {
        c.client()?;
        c.var_u32()?;
    }
    Ok(())
}

/// A presence update: client, clock and JSON string per entry (yrs reads the count as `usize`).
pub fn awareness(payload: &[u8]) -> Result {
    let mut c = Cursor::new(payload);
    let clients = c.var_u64()?;
    c.claim(clients, 3)?;
    for _ in 0..clients {
        c.client()?;
        c.var_u32()?;
        c.string()?;
    }
    Ok(())
}

/// yrs grows these without reserving, but a lie here is refused the same way.
fn delete_set(c: &mut Cursor) -> Result {
    let clients = c.var_u32()?;
    c.claim(clients.into(), 2)?;
    for _ in 0..clients {
        c.client()?;
        let ranges = c.var_u32()?;
        c.claim(ranges.into(), 2)?;
        for _ in 0..ranges {
            let start = c.var_u32()?;
            // Yjs never writes one; yrs keeps it as a range that ends where it starts.
            match c.var_u32()? {
                0 => return Err(Refusal::EmptyRange),
                len => clocks_fit(start, len.into())?,
            }
        }
    }
    Ok(())
}

fn clocks_fit(start: u32, len: u64) -> Result {
    if u64::from(start) + len > u64::from(u32::MAX) {
        return Err(Refusal::Clock { start, len });
    }
    Ok(())
}

const GC: u8 = 0;
const SKIP: u8 = 10;
const HAS_ORIGIN: u8 = 0x80;
const HAS_RIGHT_ORIGIN: u8 = 0x40;
const HAS_PARENT_SUB: u8 = 0x20;

/// yrs's `Update::decode_block`: GC and Skip compare the whole info byte; anything else is an
/// item whose content kind is the low four bits. Returns at least the clocks it takes.
fn block(c: &mut Cursor) -> Result<u64> {
    let info = c.u8()?;
    if info == GC || info == SKIP {
        return match c.var_u32()? {
            0 => Err(Refusal::EmptyBlock),
            len => Ok(len.into()),
        };
    }
    if info & HAS_ORIGIN != 0 {
        c.id()?;
    }
    if info & HAS_RIGHT_ORIGIN != 0 {
        c.id()?;
    }
    let has_parent = info & (HAS_ORIGIN | HAS_RIGHT_ORIGIN) == 0;
    if has_parent {
        if c.var_u32()? == 1 {
            c.string()?; // a root type's name
        } else {
            c.id()?; // a nested type's item
        }
        if info & HAS_PARENT_SUB != 0 {
            c.string()?; // the map key
        }
    }
    content(c, info & 0x0f)
}

/// yrs's `ItemContent::decode`; returns an upper bound of the clocks it takes (a string's
/// UTF-16 length is at most its UTF-8 length).
fn content(c: &mut Cursor, kind: u8) -> Result<u64> {
    match kind {
        1 => c.var_u32().map(u64::from), // deleted: a length
        // JSON strings, written only by Yjs before version 13. yrs 0.28 reads one string more
        // than the count says and writes the count as is, so what it re-encodes (a newcomer's
        // diff, the compacted snapshot) no longer decodes: the fuzzer made a room panic on its
        // next `full_state`. Refused (deliberately stricter than yrs).
        2 => Err(Refusal::LegacyJson),
        4 => c.string(),                // a string: as many clocks as UTF-16 units
        3 | 5 => c.string().map(|_| 1), // binary, embed (a JSON string)
        6 => {
            c.string()?; // format: key
            c.string().map(|_| 1) // and JSON value
        }
        7 => type_ref(c).map(|()| 1),
        8 => {
            let count = c.var_u32()?;
            c.claim(count.into(), 1)?;
            for _ in 0..count {
                value(c, 0)?;
            }
            Ok(count.into())
        }
        9 => {
            c.string()?; // subdocument guid
            value(c, 0).map(|()| 1) // and options
        }
        other => Err(Refusal::Content(other)),
    }
}

/// yrs's `TypeRef::decode` (without its `weak` feature, which Sala does not enable).
fn type_ref(c: &mut Cursor) -> Result {
    match c.u8()? {
        3 => c.string().map(drop), // XML element: its tag name
        0 | 1 | 2 | 4 | 5 | 6 | 9 | 15 => Ok(()),
        other => Err(Refusal::TypeRef(other)),
    }
}

/// yrs's `Any::decode` (lib0's `readAny`).
fn value(c: &mut Cursor, depth: usize) -> Result {
    if depth > MAX_DEPTH {
        return Err(Refusal::TooDeep);
    }
    match c.u8()? {
        120 | 121 | 126 | 127 => Ok(()), // true, false, null, undefined
        125 => c.var_i64(),
        124 => c.skip(4),
        122 | 123 => c.skip(8),
        116 | 119 => c.string().map(drop), // bytes, string
        118 => {
            let entries = c.var_u64()?;
            c.claim(entries, 2)?;
            for _ in 0..entries {
                c.string()?;
                value(c, depth + 1)?;
            }
            Ok(())
        }
        117 => {
            let items = c.var_u64()?;
            c.claim(items, 1)?;
            for _ in 0..items {
                value(c, depth + 1)?;
            }
            Ok(())
        }
        other => Err(Refusal::Value(other)),
    }
}

struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn u8(&mut self) -> Result<u8> {
        let byte = *self.buf.get(self.pos).ok_or(Refusal::End)?;
        self.pos += 1;
        Ok(byte)
    }

    fn skip(&mut self, n: u64) -> Result {
        if n > self.remaining() as u64 {
            return Err(Refusal::End);
        }
        self.pos += n as usize;
        Ok(())
    }

    /// `count` entries of at least `min_bytes` each must fit in what is left.
    fn claim(&self, count: u64, min_bytes: u64) -> Result {
        let remaining = self.remaining();
        if count > remaining as u64 / min_bytes {
            return Err(Refusal::Count { count, remaining });
        }
        Ok(())
    }

    /// yrs's varint loop: 7 bits per byte, up to 11 bytes, shifting with wrap-around (so a
    /// 32-bit value wraps as yrs's does and both readers agree on every count).
    fn var_u64(&mut self) -> Result<u64> {
        let mut value = 0u64;
        let mut shift = 0u32;
        loop {
            let byte = self.u8()?;
            value |= u64::from(byte & 0x7f).wrapping_shl(shift);
            shift += 7;
            if byte < 0x80 {
                return Ok(value);
            }
            if shift > 70 {
                return Err(Refusal::VarInt);
            }
        }
    }

    fn var_u32(&mut self) -> Result<u32> {
        let mut value = 0u32;
        let mut shift = 0u32;
        loop {
            let byte = self.u8()?;
            value |= u32::from(byte & 0x7f).wrapping_shl(shift);
            shift += 7;
            if byte < 0x80 {
                return Ok(value);
            }
            if shift > 70 {
                return Err(Refusal::VarInt);
            }
        }
    }

    /// A signed varint (6 bits and the sign in the first byte); only its length matters here.
    fn var_i64(&mut self) -> Result {
        if self.u8()? < 0x80 {
            return Ok(());
        }
        let mut shift = 6u32;
        loop {
            let byte = self.u8()?;
            shift += 7;
            if byte < 0x80 {
                return Ok(());
            }
            if shift > 70 {
                return Err(Refusal::VarInt);
            }
        }
    }

    fn client(&mut self) -> Result<u64> {
        match self.var_u64()? {
            id if id > MAX_CLIENT => Err(Refusal::Client(id)),
            id => Ok(id),
        }
    }

    fn id(&mut self) -> Result {
        self.client()?;
        self.var_u32().map(drop)
    }

    /// A length-prefixed string or byte array (yrs reads the length as u32); its length.
    fn string(&mut self) -> Result<u64> {
        let len = self.var_u32()?;
        self.skip(len.into())?;
        Ok(len.into())
    }
}

#[cfg(test)]
mod tests;
