// A small seeded pseudo-random generator, so that `--seed` reproduces a stream of events exactly.

/** Random numbers from a 32-bit seed (mulberry32): fast, and the same sequence on every platform. */
export class SeededRandom {
    private state: number;

    constructor(seed: number) {
        this.state = seed >>> 0;
    }

    /** A number in [0, 1). */
    next(): number {
        this.state = (this.state + 0x6d2b79f5) >>> 0;
        let t = this.state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    }

    /** A number in [min, max). */
    between(min: number, max: number): number {
        return min + (max - min) * this.next();
    }

    /** An integer in [0, count). */
    int(count: number): number {
        return Math.floor(this.next() * count);
    }

    /** One element of a non-empty list. */
    pick<T>(items: readonly T[]): T {
        return items[this.int(items.length)];
    }

    /** A standard normal deviate (Box-Muller), for plausible drift. */
    normal(): number {
        const u = 1 - this.next();
        const v = this.next();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /** A version-4-shaped UUID drawn from this stream, so event ids repeat with the seed. */
    uuid(): string {
        const hex = Array.from({ length: 32 }, () => this.int(16).toString(16));
        hex[12] = "4";
        hex[16] = (8 + this.int(4)).toString(16);
        const text = hex.join("");
        return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
    }
}
