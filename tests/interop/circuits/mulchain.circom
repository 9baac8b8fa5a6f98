pragma circom 2.0.0;

// y = ((x^2)·x + k)·x + k … (n steps): a tiny circuit with a public input and output.
template MulChain(n) {
    signal input x;
    signal input k;
    signal output y;
    signal acc[n];
    acc[0] <== x * x;
    for (var i = 1; i < n; i++) {
        acc[i] <== acc[i - 1] * x + k;
    }
    y <== acc[n - 1];
}

component main {public [k]} = MulChain(12);
