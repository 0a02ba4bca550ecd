import Foundation

/// JSON null for `JSONSerialization` dictionaries.
var NSNullValue: Any { NSNull() }

func jsonValue(_ s: CustomStringConvertible?) -> Any { s.map { $0.description } ?? NSNullValue }
