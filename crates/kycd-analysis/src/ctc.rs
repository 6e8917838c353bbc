//! Decoding a line recogniser's per-frame log-probabilities (CTC) into text of an exact length:
//! MRZ lines have 30, 36 or 44 characters, so instead of the most probable path of any length
//! (where a long filler run easily loses or gains a `<`) this finds the most probable path that
//! emits exactly that many characters (a Viterbi search over frames × characters emitted).

/// Per-frame log-probabilities: `frames[t][class]`, class 0 the CTC blank.
pub type Frames = Vec<Vec<f32>>;

/// The best decoding of `frames` with exactly `length` characters, and its log-probability;
/// None when the frames are too few to emit that many.
pub fn decode_exact(frames: &Frames, alphabet: &[char], length: usize) -> Option<(String, f32)> {
    decode_exact_scored(frames, alphabet, length).map(|d| (d.text, d.log_probability))
}

/// A decoding with how sure the model was of each character.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub text: String,
    pub log_probability: f32,
    /// Per character: the highest probability the model gave it on the frames that emit it.
    /// A misread character is typically a close call on every one of its frames.
    pub char_confidence: Vec<f32>,
}

/// [`decode_exact`] with per-character confidences.
pub fn decode_exact_scored(frames: &Frames, alphabet: &[char], length: usize) -> Option<Decoded> {
    let classes = alphabet.len() + 1;
    let t_max = frames.len();
    if t_max == 0 || frames.iter().any(|f| f.len() != classes) {
        return None;
    }
    const NONE: f32 = f32::NEG_INFINITY;
    // score[n][s]: best log-probability of frames 0..=t having emitted n characters, the frame at
    // t being class s. back[t][n][s]: the (n, s) at t-1 it came from.
    let mut score = vec![vec![NONE; classes]; length + 1];
    let mut back = vec![vec![vec![(0u16, 0u8); classes]; length + 1]; t_max];
    score[0][0] = frames[0][0];
    if length > 0 {
        for s in 1..classes {
            score[1][s] = frames[0][s];
        }
    }
    for t in 1..t_max {
        let mut next = vec![vec![NONE; classes]; length + 1];
        for (n, row) in score.iter().enumerate() {
            for (s, &here) in row.iter().enumerate() {
                if here == NONE {
                    continue;
                }
                for s2 in 0..classes {
                    // A new character is emitted when a non-blank differs from the previous frame.
                    let n2 = if s2 != 0 && s2 != s { n + 1 } else { n };
                    if n2 > length {
                        continue;
                    }
                    let candidate = here + frames[t][s2];
                    if candidate > next[n2][s2] {
                        next[n2][s2] = candidate;
                        back[t][n2][s2] = (n as u16, s as u8);
                    }
                }
            }
        }
        score = next;
    }
    let (mut s, best) =
        score[length].iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).map(|(s, &v)| (s, v))?;
    if best == NONE {
        return None;
    }
    // Walk back, collecting the class of every frame, then collapse.
    let mut path = vec![0usize; t_max];
    let mut n = length;
    for t in (0..t_max).rev() {
        path[t] = s;
        if t > 0 {
            let (pn, ps) = back[t][n][s];
            n = usize::from(pn);
            s = usize::from(ps);
        }
    }
    let mut text = String::with_capacity(length);
    let mut char_confidence: Vec<f32> = Vec::with_capacity(length);
    let mut previous = 0;
    for (t, &class) in path.iter().enumerate() {
        let p = frames[t][class].exp();
        if class != 0 && class != previous {
            text.push(alphabet[class - 1]);
            char_confidence.push(p);
        } else if class != 0 {
            // The same character continues over this frame.
            if let Some(last) = char_confidence.last_mut() {
                *last = last.max(p);
            }
        }
        previous = class;
    }
    Some(Decoded { text, log_probability: best, char_confidence })
}

/// The most probable path, collapsed, of whatever length (for diagnostics and length guesses).
pub fn decode_greedy(frames: &Frames, alphabet: &[char]) -> String {
    let mut text = String::new();
    let mut previous = 0;
    for frame in frames {
        let class =
            frame.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).map_or(0, |(c, _)| c);
        if class != 0
            && class != previous
            && let Some(&c) = alphabet.get(class - 1)
        {
            text.push(c);
        }
        previous = class;
    }
    text
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const ALPHABET: [char; 3] = ['<', 'A', 'B'];

    /// Frames that spell `path` (class per frame), each frame certain but for `doubt`.
    fn frames(path: &[usize], doubt: f32) -> Frames {
        path.iter()
            .map(|&c| {
                (0..4)
                    .map(|k| if k == c { (1.0 - doubt).ln() } else { (doubt / 3.0).ln() })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_best_path_of_the_asked_length_wins() {
        // "A<<B": A, <, blank, <, B — greedy reads it; asking for 4 gives the same.
        let f = frames(&[2, 1, 0, 1, 3], 0.1);
        assert_eq!(decode_greedy(&f, &ALPHABET), "A<<B");
        assert_eq!(decode_exact(&f, &ALPHABET, 4).unwrap().0, "A<<B");
    }

    #[test]
    fn a_close_call_shows_in_that_characters_confidence_only() {
        // "AB<": A over two frames, then B a close call with A, then '<'.
        let mut f = frames(&[2, 2, 0, 3, 1], 0.02);
        f[3][3] = 0.55f32.ln();
        f[3][2] = 0.43f32.ln();
        let decoded = decode_exact_scored(&f, &ALPHABET, 3).unwrap();
        assert_eq!(decoded.text, "AB<");
        let [a, b, filler] = decoded.char_confidence[..] else { panic!("{decoded:?}") };
        assert!((b - 0.55).abs() < 1e-4, "{decoded:?}");
        assert!(a > 0.97 && filler > 0.97, "{decoded:?}");
    }

    #[test]
    fn a_merged_filler_run_is_split_to_reach_the_length() {
        // Greedy collapses "<<" into one "<" (no blank between), so it reads 3 characters; the
        // exact decoder must find the 4-character reading that splits the run.
        let mut f = frames(&[2, 1, 1, 1, 3], 0.1);
        // Frame 2 is almost as likely blank as '<'.
        f[2][0] = 0.45f32.ln();
        f[2][1] = 0.5f32.ln();
        assert_eq!(decode_greedy(&f, &ALPHABET), "A<B");
        assert_eq!(decode_exact(&f, &ALPHABET, 4).unwrap().0, "A<<B");
        assert_eq!(decode_exact(&f, &ALPHABET, 3).unwrap().0, "A<B");
    }

    #[test]
    fn too_few_frames_cannot_emit_the_length() {
        let f = frames(&[2, 3], 0.1);
        assert!(decode_exact(&f, &ALPHABET, 3).is_none());
        assert!(decode_exact(&Vec::new(), &ALPHABET, 1).is_none());
    }
}
