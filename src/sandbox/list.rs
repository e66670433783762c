//! Lists: `limit` (1–100, default 10), `startingAfter`, `endingBefore`; newest first; the
//! body `{"object":"list","data":[…],"hasMore":bool,"url"}`.
//!
//! Cursors are object ids, resolved to the object's sequence number, so a page boundary stays
//! put however many objects are created meanwhile.

use serde::Serialize;

use crate::error::ApiError;
use crate::sandbox::context::{to_json, Reply};
use crate::sandbox::params::Params;
use crate::sandbox::store::{Collection, Record};

pub const DEFAULT_LIMIT: i64 = 10;
pub const MAX_LIMIT: i64 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum ListObject {
    List,
}

/// A page of a list.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct List<T> {
    pub object: ListObject,
    pub data: Vec<T>,
    /// Whether more objects lie beyond this page in the direction of travel.
    pub has_more: bool,
    pub url: String,
}

impl<T> List<T> {
    pub fn new(data: Vec<T>, has_more: bool, url: &str) -> List<T> {
        List {
            object: ListObject::List,
            data,
            has_more,
            url: url.to_owned(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cursor {
    None,
    /// Older than this sequence number.
    StartingAfter(u64),
    /// Newer than this sequence number.
    EndingBefore(u64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListQuery {
    pub limit: usize,
    pub cursor: Cursor,
}

/// Reads `limit`, `startingAfter` and `endingBefore`; a cursor must name an object of
/// `collection` in this mode.
pub fn read<T: Record>(
    params: &mut Params,
    collection: &Collection<T>,
) -> Result<ListQuery, ApiError> {
    read_with(params, T::KIND.as_str(), |id| collection.seq_of(id))
}

/// [`read`] for a list whose cursors `position` resolves (`noun` names its objects).
pub fn read_with(
    params: &mut Params,
    noun: &str,
    position: impl Fn(&str) -> Option<u64>,
) -> Result<ListQuery, ApiError> {
    let limit = params
        .integer("limit", 1, MAX_LIMIT)?
        .unwrap_or(DEFAULT_LIMIT);
    let after = params.string("startingAfter", 80)?;
    let before = params.string("endingBefore", 80)?;
    let resolve = |param: &str, id: &str| {
        position(id).ok_or_else(|| {
            ApiError::invalid_param(
                param,
                "resource_missing",
                format!("'{param}' names no {noun} of this list in this mode"),
            )
        })
    };
    let cursor = match (after, before) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid_param(
                "endingBefore",
                "parameters_exclusive",
                "'startingAfter' and 'endingBefore' cannot be used together",
            ))
        }
        (Some(id), None) => Cursor::StartingAfter(resolve("startingAfter", &id)?),
        (None, Some(id)) => Cursor::EndingBefore(resolve("endingBefore", &id)?),
        (None, None) => Cursor::None,
    };
    Ok(ListQuery {
        limit: usize::try_from(limit).unwrap_or(10),
        cursor,
    })
}

/// One page of the objects that `keep`, newest first, with their sequence numbers, and
/// whether there are more.
pub fn page<'a, T: Record>(
    collection: &'a Collection<T>,
    query: &ListQuery,
    keep: impl Fn(&T) -> bool,
) -> (Vec<(u64, &'a T)>, bool) {
    // One more than asked, to tell whether there are more.
    let first = |items: &mut dyn Iterator<Item = (u64, &'a T)>| -> Vec<(u64, &'a T)> {
        items
            .filter(|(_, v)| keep(v))
            .take(query.limit + 1)
            .collect()
    };
    let (mut items, oldest_first) = match query.cursor {
        Cursor::None => (first(&mut collection.older_than(None)), false),
        Cursor::StartingAfter(seq) => (first(&mut collection.older_than(Some(seq))), false),
        // The `limit` objects just newer than the cursor, walked up from it.
        Cursor::EndingBefore(seq) => (first(&mut collection.newer_than(seq)), true),
    };
    let has_more = items.len() > query.limit;
    items.truncate(query.limit);
    if oldest_first {
        items.reverse();
    }
    (items, has_more)
}

/// One page of `items` taken in their slice order (`newest_first`: from the end), a cursor
/// being an item's position in the slice.
pub fn page_slice<'a, T>(
    items: &'a [T],
    query: &ListQuery,
    newest_first: bool,
    keep: impl Fn(&T) -> bool,
) -> (Vec<&'a T>, bool) {
    let n = items.len() as u64;
    // Positions in list order: 0 is the first item the list shows.
    let at = |i: u64| -> Option<&'a T> {
        let index = if newest_first {
            n.checked_sub(i + 1)?
        } else {
            i
        };
        items.get(usize::try_from(index).ok()?)
    };
    let rank = |position: u64| {
        if newest_first {
            n.saturating_sub(position + 1)
        } else {
            position
        }
    };
    let take = |range: &mut dyn Iterator<Item = u64>| -> Vec<&'a T> {
        range
            .filter_map(at)
            .filter(|v| keep(v))
            .take(query.limit + 1)
            .collect()
    };
    let (mut out, backwards) = match query.cursor {
        Cursor::None => (take(&mut (0..n)), false),
        Cursor::StartingAfter(p) => (take(&mut (rank(p) + 1..n)), false),
        Cursor::EndingBefore(p) => (take(&mut (0..rank(p)).rev()), true),
    };
    let has_more = out.len() > query.limit;
    out.truncate(query.limit);
    if backwards {
        out.reverse();
    }
    (out, has_more)
}

/// The list body of views made for the page (`List` serialized).
pub fn reply_views<T: Serialize>(
    data: Vec<T>,
    has_more: bool,
    url: &str,
) -> Result<Reply, ApiError> {
    Reply::ok(&List::new(data, has_more, url))
}

/// The list body of `page` from the objects' cached JSON (`List` serialized, without
/// serializing any object again).
pub fn reply<T: Record>(
    collection: &Collection<T>,
    page: &[(u64, &T)],
    has_more: bool,
    url: &str,
) -> Result<Reply, ApiError> {
    let mut parts = Vec::with_capacity(page.len());
    for (seq, _) in page {
        let json = collection
            .json_at(*seq)
            .unwrap_or_else(|| Err(ApiError::internal("a listed object has no slot")))?;
        parts.push(json);
    }
    let mut body =
        String::with_capacity(parts.iter().map(|p| p.len() + 1).sum::<usize>() + url.len() + 64);
    body.push_str("{\"object\":\"list\",\"data\":[");
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(part);
    }
    body.push_str("],\"hasMore\":");
    body.push_str(if has_more { "true" } else { "false" });
    body.push_str(",\"url\":");
    body.push_str(&to_json(&url)?);
    body.push('}');
    Ok(Reply::json(body.into()))
}
