fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    let (_, raw) = lorebook::search::shards::read(&text).unwrap();
    println!("{}", String::from_utf8_lossy(&raw));
}
