#pragma once

#include <cassert>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace nationpulse {

/// Holds an error value; the argument of the error-side constructor of Expected.
template <typename E>
struct Unexpected {
  // A constructor, not aggregate initialisation: the code writes both Unexpected(e) and Unexpected{e},
  // and clang before 16 has no parenthesised aggregate initialisation (P0960), so the fuzz preset's
  // clang 14 refused Unexpected(e).
  constexpr explicit Unexpected(E e) : error(std::move(e)) {}
  E error;
};

template <typename E>
Unexpected(E) -> Unexpected<E>;

/// A value or an error, for outcomes a caller must handle (not found, timeout, unavailable).
/// A stand-in for C++23 std::expected with the subset of its interface this project uses.
/// Accessing the wrong side is a programming error (asserted), not a recoverable condition.
template <typename T, typename E>
class Expected {
 public:
  Expected(T value) : storage_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  template <typename U>
  Expected(Unexpected<U> error)  // NOLINT: implicit by design
      : storage_(std::in_place_index<1>, E(std::move(error.error))) {}

  [[nodiscard]] bool has_value() const noexcept { return storage_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & {
    assert(has_value());
    return std::get<0>(storage_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(storage_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(storage_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  E& error() & {
    assert(!has_value());
    return std::get<1>(storage_);
  }
  const E& error() const& {
    assert(!has_value());
    return std::get<1>(storage_);
  }

 private:
  std::variant<T, E> storage_;
};

/// Expected<void, E>: success carries no value.
template <typename E>
class Expected<void, E> {
 public:
  Expected() = default;
  template <typename U>
  Expected(Unexpected<U> error) : error_(E(std::move(error.error))), ok_(false) {}  // NOLINT

  [[nodiscard]] bool has_value() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }
  const E& error() const& {
    assert(!ok_);
    return error_;
  }

 private:
  E error_{};
  bool ok_ = true;
};

}  // namespace nationpulse
