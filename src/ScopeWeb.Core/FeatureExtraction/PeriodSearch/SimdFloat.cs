using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ScopeWeb.Core.FeatureExtraction.PeriodSearch;

/// <summary>
/// A float SIMD register of whatever width the CPU runs best. The periodogram kernels are written once against this
/// interface and instantiated for 512-, 256- and 128-bit vectors (the JIT specialises each struct, so there is no
/// call overhead). <see cref="System.Numerics.Vector{T}"/> alone would not do: .NET keeps it at 256 bits even on
/// AVX-512 machines, where 512-bit registers double the kernel's speed.
/// </summary>
internal interface ISimdFloat<TSelf>
    where TSelf : struct, ISimdFloat<TSelf>
{
    static abstract int Count { get; }

    static abstract TSelf Zero { get; }

    static abstract TSelf Create(float value);

    static abstract TSelf Load(ref float source);

    static abstract void Store(TSelf value, ref float destination);

    static abstract TSelf operator +(TSelf left, TSelf right);

    static abstract TSelf operator -(TSelf left, TSelf right);

    static abstract TSelf operator *(TSelf left, TSelf right);

    static abstract TSelf operator /(TSelf left, TSelf right);

    /// <summary>a·b + c in one rounding.</summary>
    static abstract TSelf MultiplyAdd(TSelf a, TSelf b, TSelf c);

    /// <summary>c − a·b in one rounding.</summary>
    static abstract TSelf MultiplySubtract(TSelf a, TSelf b, TSelf c);

    static abstract TSelf Max(TSelf left, TSelf right);

    /// <summary>Lanes where <paramref name="test"/> &gt; <paramref name="threshold"/> take <paramref name="value"/>, others 0.</summary>
    static abstract TSelf WhereGreater(TSelf test, TSelf threshold, TSelf value);
}

internal readonly struct Simd512(Vector512<float> value) : ISimdFloat<Simd512>
{
    private readonly Vector512<float> _value = value;

    public static int Count => Vector512<float>.Count;

    public static Simd512 Zero => default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 Create(float value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 Load(ref float source) => new(Vector512.LoadUnsafe(ref source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Simd512 value, ref float destination) => value._value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 operator +(Simd512 left, Simd512 right) => new(left._value + right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 operator -(Simd512 left, Simd512 right) => new(left._value - right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 operator *(Simd512 left, Simd512 right) => new(left._value * right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 operator /(Simd512 left, Simd512 right) => new(left._value / right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 MultiplyAdd(Simd512 a, Simd512 b, Simd512 c) => new(Vector512.FusedMultiplyAdd(a._value, b._value, c._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 MultiplySubtract(Simd512 a, Simd512 b, Simd512 c) => new(Vector512.FusedMultiplyAdd(-a._value, b._value, c._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 Max(Simd512 left, Simd512 right) => new(Vector512.Max(left._value, right._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 WhereGreater(Simd512 test, Simd512 threshold, Simd512 value) =>
        new(Vector512.ConditionalSelect(Vector512.GreaterThan(test._value, threshold._value), value._value, Vector512<float>.Zero));
}

internal readonly struct Simd256(Vector256<float> value) : ISimdFloat<Simd256>
{
    private readonly Vector256<float> _value = value;

    public static int Count => Vector256<float>.Count;

    public static Simd256 Zero => default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 Create(float value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 Load(ref float source) => new(Vector256.LoadUnsafe(ref source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Simd256 value, ref float destination) => value._value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 operator +(Simd256 left, Simd256 right) => new(left._value + right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 operator -(Simd256 left, Simd256 right) => new(left._value - right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 operator *(Simd256 left, Simd256 right) => new(left._value * right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 operator /(Simd256 left, Simd256 right) => new(left._value / right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 MultiplyAdd(Simd256 a, Simd256 b, Simd256 c) => new(Vector256.FusedMultiplyAdd(a._value, b._value, c._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 MultiplySubtract(Simd256 a, Simd256 b, Simd256 c) => new(Vector256.FusedMultiplyAdd(-a._value, b._value, c._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 Max(Simd256 left, Simd256 right) => new(Vector256.Max(left._value, right._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 WhereGreater(Simd256 test, Simd256 threshold, Simd256 value) =>
        new(Vector256.ConditionalSelect(Vector256.GreaterThan(test._value, threshold._value), value._value, Vector256<float>.Zero));
}

internal readonly struct Simd128(Vector128<float> value) : ISimdFloat<Simd128>
{
    private readonly Vector128<float> _value = value;

    public static int Count => Vector128<float>.Count;

    public static Simd128 Zero => default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128 Create(float value) => new(Vector128.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128 Load(ref float source) => new(Vector128.LoadUnsafe(ref source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Simd128 value, ref float destination) => value._value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128 operator +(Simd128 left, Simd128 right) => new(left._value + right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128 operator -(Simd128 left, Simd128 right) => new(left._value - right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128 operator *(Simd128 left, Simd128 right) => new(left._value * right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128 operator /(Simd128 left, Simd128 right) => new(left._value / right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128 MultiplyAdd(Simd128 a, Simd128 b, Simd128 c) => new(Vector128.FusedMultiplyAdd(a._value, b._value, c._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128 MultiplySubtract(Simd128 a, Simd128 b, Simd128 c) => new(Vector128.FusedMultiplyAdd(-a._value, b._value, c._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128 Max(Simd128 left, Simd128 right) => new(Vector128.Max(left._value, right._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128 WhereGreater(Simd128 test, Simd128 threshold, Simd128 value) =>
        new(Vector128.ConditionalSelect(Vector128.GreaterThan(test._value, threshold._value), value._value, Vector128<float>.Zero));
}
