//! dlmalloc over Wasm memory that grows geometrically.
//!
//! The standard library's allocator on wasm32 is dlmalloc growing the memory 64 KiB at a time.
//! A sandbox holding tens of thousands of objects grows its memory thousands of times, and V8
//! counts every grow towards the external memory that triggers full garbage collections:
//! measured in `benches/sandbox`, 605 mark-compacts in 70,000 requests, and requests 3 to 6
//! times slower once the memory passed ~70 MiB.
//!
//! So the memory doubles (at least 1 MiB at a time): the grows, and those collections, are
//! logarithmic in the memory's size. V8 counts each grow as the memory's whole size in new
//! external memory, so once the memory is past ~64 MiB every grow starts a full collection,
//! however small the grow: growing by an eighth at a time still cost ~20 of them in 10 s of
//! `benches/server` (p99 9.4 ms in memory mode; 8.4 to 8.9 ms with doubling, and 4 collections).
//! The pages grown but not used yet cost address space, not memory: the operating system backs a
//! page once it is written.

use core::alloc::{GlobalAlloc, Layout};
use core::arch::wasm32;
use core::cell::UnsafeCell;
use core::ptr;

use dlmalloc::{Allocator, Dlmalloc};

const PAGE: usize = 64 * 1024;
const MIN_GROW_PAGES: usize = 16;

/// The system side of dlmalloc: fresh regions come from `memory.grow`, never given back
/// (Wasm memory cannot shrink).
pub struct GeometricGrow;

unsafe impl Allocator for GeometricGrow {
    fn alloc(&self, size: usize) -> (*mut u8, usize, u32) {
        let needed = size.div_ceil(PAGE);
        let current = wasm32::memory_size(0);
        let mut pages = needed.max(current).max(MIN_GROW_PAGES);
        loop {
            let previous = wasm32::memory_grow(0, pages);
            if previous != usize::MAX {
                return ((previous * PAGE) as *mut u8, pages * PAGE, 0);
            }
            if pages == needed {
                return (ptr::null_mut(), 0, 0);
            }
            // Near the 4 GiB limit (or the host's): ask for less, down to exactly what is needed.
            pages = (pages / 2).max(needed);
        }
    }

    fn remap(&self, _ptr: *mut u8, _old: usize, _new: usize, _can_move: bool) -> *mut u8 {
        ptr::null_mut()
    }

    fn free_part(&self, _ptr: *mut u8, _old: usize, _new: usize) -> bool {
        false
    }

    fn free(&self, _ptr: *mut u8, _size: usize) -> bool {
        false
    }

    fn can_release_part(&self, _flags: u32) -> bool {
        false
    }

    fn allocates_zeros(&self) -> bool {
        true
    }

    fn page_size(&self) -> usize {
        PAGE
    }
}

/// The global allocator: one dlmalloc over [`GeometricGrow`].
pub struct GeometricDlmalloc(UnsafeCell<Dlmalloc<GeometricGrow>>);

// Wasm without the atomics feature has one thread: there is nobody to race with.
unsafe impl Sync for GeometricDlmalloc {}

impl GeometricDlmalloc {
    pub const fn new() -> Self {
        GeometricDlmalloc(UnsafeCell::new(Dlmalloc::new_with_allocator(GeometricGrow)))
    }
}

unsafe impl GlobalAlloc for GeometricDlmalloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        (*self.0.get()).malloc(layout.size(), layout.align())
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        (*self.0.get()).calloc(layout.size(), layout.align())
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        (*self.0.get()).free(ptr, layout.size(), layout.align())
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        (*self.0.get()).realloc(ptr, layout.size(), layout.align(), new_size)
    }
}
