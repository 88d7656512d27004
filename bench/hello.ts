/** The benchmark's authenticated "hello": the same path and answer on the s2s and the plain server. */
export const HELLO_PATH = '/bench/hello';
export const HELLO_BODY = '{"hello":"world"}';
