package client

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"strings"
)

// pageLinks is the "links" object of Organizations API pages. v2 gives
// cursors, v1 gives URLs whose cursor parameter is the cursor.
type pageLinks struct {
	Self string `json:"self"`
	Next string `json:"next"`
	Prev string `json:"prev"`
}

// cursorOf takes the cursor out of a links.next value: the "cursor" query
// parameter of a URL (v1), or the value itself (v2).
func cursorOf(next string) string {
	next = strings.TrimSpace(next)
	if next == "" {
		return ""
	}
	if strings.Contains(next, "?") || strings.HasPrefix(next, "/") || strings.Contains(next, "://") {
		if u, err := url.Parse(next); err == nil {
			return u.Query().Get("cursor")
		}
	}
	return next
}

// fetchPage reads one page at a cursor ("" for the first) and returns its
// items and the next cursor ("" at the end).
type fetchPage[T any] func(ctx context.Context, cursor string) ([]T, string, error)

// cursorPages streams every item of a cursor-paged listing, one page at a
// time, fetching the next page only when the consumer wants more. A server
// that hands back a cursor it already gave would loop forever; that is
// reported instead.
func cursorPages[T any](ctx context.Context, r *request, c *Client, start string, fetch fetchPage[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		cursor := start
		seen := map[string]bool{cursor: true}
		for {
			items, next, err := fetch(ctx, cursor)
			if err != nil {
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			if next == "" {
				return
			}
			if seen[next] {
				yield(zero, c.unexpected(r, 0, fmt.Sprintf("paging does not advance: cursor %q came back", next)))
				return
			}
			seen[next] = true
			cursor = next
		}
	}
}

// collectPages reads every page of a cursor-paged listing from start and
// returns all their items, without copying when there is one page (the
// usual case for a search by at most 100 emails). Like cursorPages, it
// reports a server whose cursor does not advance.
func collectPages[T any](ctx context.Context, r *request, c *Client, start string, fetch fetchPage[T]) ([]T, error) {
	var all []T
	cursor := start
	seen := map[string]bool{cursor: true}
	for {
		items, next, err := fetch(ctx, cursor)
		if err != nil {
			return nil, err
		}
		if all == nil {
			all = items
		} else {
			all = append(all, items...)
		}
		if next == "" {
			return all, nil
		}
		if seen[next] {
			return nil, c.unexpected(r, 0, fmt.Sprintf("paging does not advance: cursor %q came back", next))
		}
		seen[next] = true
		cursor = next
	}
}

// pathf builds an escaped path: each argument is one path segment, escaped
// so that ids with "/", "?", "#" or spaces stay inside their segment.
func pathf(format string, segments ...string) string {
	args := make([]any, len(segments))
	for i, s := range segments {
		args[i] = url.PathEscape(s)
	}
	return fmt.Sprintf(format, args...)
}
