//! A counting bump allocator: the edge build's global allocator.
//!
//! Why not the default (dlmalloc): it is ~7 KB of the Wasm, half the budget of the whole edge
//! entry, for a workload that never needs it. Every call into this module allocates a few
//! blocks (the glue's copies of the payload, header and secrets; the parsed secrets; a returned
//! header string) and frees all of them before JS sees the result. So: hand out memory by
//! bumping a pointer, count the live blocks, and rewind to the start when the count returns to
//! zero. Memory grows to the largest single call's needs and is reused from then on.
//!
//! If a block were ever leaked the count would not return to zero and memory would grow with
//! each call instead of being reused: wasteful, never unsound. The JS layer replaces the
//! instance after a trap, which is the one way a call can end with blocks still live.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::Cell;

const PAGE: usize = 65_536;

pub struct Bump {
    /// Start of the region this allocator owns (0 until the first allocation).
    base: Cell<usize>,
    /// Next free byte.
    next: Cell<usize>,
    /// End of the memory this allocator may use (the end of linear memory).
    end: Cell<usize>,
    /// Blocks handed out and not yet freed.
    live: Cell<usize>,
}

// SAFETY: wasm32-unknown-unknown without the atomics feature has exactly one thread, so the
// cells are never accessed concurrently.
unsafe impl Sync for Bump {}

impl Bump {
    pub const fn new() -> Self {
        Bump {
            base: Cell::new(0),
            next: Cell::new(0),
            end: Cell::new(0),
            live: Cell::new(0),
        }
    }
}

unsafe impl GlobalAlloc for Bump {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if self.base.get() == 0 {
            // Start past everything the linker placed (stack, data, and the `__heap_base`
            // area dlmalloc would have used): the pages that follow are ours alone.
            let start = core::arch::wasm32::memory_size(0) * PAGE;
            self.base.set(start);
            self.next.set(start);
            self.end.set(start);
        }
        let align = layout.align();
        let Some(start) = self
            .next
            .get()
            .checked_add(align - 1)
            .map(|p| p & !(align - 1))
        else {
            return core::ptr::null_mut();
        };
        let Some(stop) = start.checked_add(layout.size()) else {
            return core::ptr::null_mut();
        };
        if stop > self.end.get() {
            let pages = (stop - self.end.get()).div_ceil(PAGE);
            if core::arch::wasm32::memory_grow(0, pages) == usize::MAX {
                return core::ptr::null_mut();
            }
            self.end.set(self.end.get() + pages * PAGE);
        }
        self.next.set(stop);
        self.live.set(self.live.get() + 1);
        start as *mut u8
    }

    unsafe fn dealloc(&self, _ptr: *mut u8, _layout: Layout) {
        let live = self.live.get().saturating_sub(1);
        self.live.set(live);
        if live == 0 {
            self.next.set(self.base.get());
        }
    }
}
