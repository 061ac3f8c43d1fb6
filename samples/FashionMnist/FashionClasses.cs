namespace FashionMnist;

/// <summary>The names of Fashion-MNIST's ten classes, by label.</summary>
internal static class FashionClasses
{
    public static readonly string[] Names =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
}
