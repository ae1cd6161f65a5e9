/** Small real-looking sources, one per language, whose declarations the chunker must find. */

export const SHAPES_TS = `import { strict as assert } from 'node:assert';
import type { Point } from './point';

/** A shape that can report its area and perimeter in square units. */
export interface Shape {
  area(): number;
  perimeter(): number;
  readonly name: string;
}

/** Circles are drawn around a centre point with a positive radius. */
export class Circle implements Shape {
  readonly name = 'circle';
  constructor(private readonly centre: Point, private readonly radius: number) {
    assert(radius > 0, 'radius must be positive');
  }
  area(): number { return Math.PI * this.radius ** 2; }
  perimeter(): number { return 2 * Math.PI * this.radius; }
}

export type ShapeKind = 'circle' | 'square' | 'triangle' | 'hexagon' | 'octagon' | 'ellipse';

/** Sums the areas of all shapes, skipping shapes whose area is not a finite number. */
export function totalArea(shapes: readonly Shape[]): number {
  let total = 0;
  for (const shape of shapes) {
    const area = shape.area();
    if (Number.isFinite(area)) total += area;
  }
  return total;
}

export enum Colour { Red = 'red', Green = 'green', Blue = 'blue', Yellow = 'yellow', Purple = 'purple' }
`;

export const INVENTORY_PY = `"""Inventory bookkeeping for the warehouse service."""
import dataclasses
from typing import Iterable


@dataclasses.dataclass
class Item:
    """One stock-keeping unit with its quantity on hand and reorder threshold."""

    sku: str
    quantity: int
    reorder_at: int = 10

    def needs_reorder(self) -> bool:
        return self.quantity <= self.reorder_at


def total_quantity(items: Iterable[Item]) -> int:
    """Adds up the quantity on hand across every item, ignoring negative counts."""
    return sum(max(item.quantity, 0) for item in items)


async def refresh(client, skus):
    # Fetch the latest quantities from the remote stock service, one request per sku.
    results = {}
    for sku in skus:
        results[sku] = await client.fetch_quantity(sku)
    return results
`;

export const SERVER_GO = `package server

import (
	"fmt"
	"net/http"
)

// Server answers health checks and reports how many requests it has served so far.
type Server struct {
	Addr     string
	requests int
	mux      *http.ServeMux
}

// Start registers the handlers and listens on the configured address until it fails.
func (s *Server) Start() error {
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("/health", s.health)
	return http.ListenAndServe(s.Addr, s.mux)
}

// NewServer builds a server for the given address with no requests served yet.
func NewServer(addr string) *Server {
	return &Server{Addr: addr}
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	s.requests++
	fmt.Fprintf(w, "ok %d requests served so far from %s", s.requests, r.RemoteAddr)
}
`;

export const QUEUE_RS = `use std::collections::VecDeque;

/// A bounded first-in, first-out queue that drops the oldest entry when it is full.
#[derive(Debug, Clone)]
pub struct Ring<T> {
    items: VecDeque<T>,
    capacity: usize,
}

impl<T> Ring<T> {
    pub fn new(capacity: usize) -> Self {
        Ring { items: VecDeque::with_capacity(capacity), capacity }
    }

    pub fn push(&mut self, item: T) {
        if self.items.len() == self.capacity { self.items.pop_front(); }
        self.items.push_back(item);
    }
}

/// Things that can be measured in bytes, for the memory accounting of every queue.
pub trait Sized2 {
    fn byte_size(&self) -> usize;
    fn is_empty_value(&self) -> bool { self.byte_size() == 0 }
}

pub fn drain_all<T>(ring: &mut Ring<T>) -> Vec<T> {
    // Take everything out in order, leaving the ring empty but with its capacity intact.
    ring.items.drain(..).collect()
}
`;

export const LEDGER_JAVA = `package com.example.accounts;

import java.util.ArrayList;
import java.util.List;

/** Records debits and credits for one account and reports the running balance. */
public class Ledger {
    private final List<Long> entries = new ArrayList<>();

    /** Adds a credit; amounts are in cents and must be positive. */
    public void credit(long cents) {
        if (cents <= 0) throw new IllegalArgumentException("credit must be positive");
        entries.add(cents);
    }

    /** Adds a debit; amounts are in cents and must be positive. */
    public void debit(long cents) {
        if (cents <= 0) throw new IllegalArgumentException("debit must be positive");
        entries.add(-cents);
    }

    public long balance() {
        return entries.stream().mapToLong(Long::longValue).sum();
    }
}

interface Auditor { void audit(Ledger ledger, String reason, boolean notifyOwnerByEmail); }
`;

export const CART_JS = `const { randomUUID } = require('node:crypto');

/** Creates an empty shopping cart with a fresh id and no line items. */
function createCart(owner) {
  return { id: randomUUID(), owner, items: [], createdAt: new Date().toISOString() };
}

/** Adds a product to the cart, merging quantities when the product is already there. */
const addItem = (cart, product, quantity = 1) => {
  const existing = cart.items.find((item) => item.product === product);
  if (existing) existing.quantity += quantity;
  else cart.items.push({ product, quantity });
  return cart;
};

class CartStore {
  #carts = new Map();
  save(cart) { this.#carts.set(cart.id, cart); return cart; }
  load(id) { return this.#carts.get(id) ?? null; }
}

module.exports = { createCart, addItem, CartStore };
`;
